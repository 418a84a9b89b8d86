"""The kiosk's Kivy UI: one module and one .kv file per screen. No business rules here."""
