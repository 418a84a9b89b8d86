"""Leerwinkel kiosk core: catalog, matching, handoff. Imports no Kivy."""
