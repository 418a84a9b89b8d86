"""The counsellor page (Flask): a login, a box to paste a booking link, note, reference or
typed code, and one page per booking (`/r/<reference>`). Nothing personal is stored: no
reference, no answer; the log says who opened a booking of which kiosk and day.

Sessions are signed cookies (HttpOnly, SameSite=Strict, Secure unless
counsellor.secure_cookies is off) with a key made at start; every form carries a CSRF
token. See docs/counsellor.md.
"""
from __future__ import annotations

import hmac
import logging
import secrets
import time
from datetime import timedelta

from flask import Flask, abort, redirect, render_template, request, session

from kiosk.booking import shortcode
from kiosk.booking.reference import MAX_TEXT, HandoffError, read_handoff
from kiosk.counsellor import summary, users

LOG = logging.getLogger("kiosk.counsellor")
MAX_REQUEST_BYTES = 32 * 1024
OPEN_PATHS = ("/login", "/static/")


def create_app(cfg, today=None) -> Flask:
    """The app for one site config. today: a function giving the date against which old
    references are judged (kiosk.clock.today by default)."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32), MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        SESSION_COOKIE_NAME="leerwinkel_counsellor", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_SECURE=cfg.counsellor.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=cfg.counsellor.session_minutes))
    people = users.for_site(cfg)
    lifetime = cfg.counsellor.session_minutes * 60

    def csrf_token() -> str:
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        return session["csrf"]

    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def guard():
        if request.method == "POST":
            sent = request.form.get("csrf", "")
            if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
                abort(400, "Dit formulier is verlopen of komt niet van deze pagina. "
                           "Laad de pagina opnieuw.")
        if request.path.startswith(OPEN_PATHS):
            return None
        user, since = session.get("user"), session.get("since", 0)
        if user and time.time() - since < lifetime:
            return None
        if user:                                     # a login that ran out
            session.clear()
        if request.method == "GET" and request.path.startswith("/r/"):
            session["next"] = request.path          # back here after the login
        return redirect("/login")

    @app.after_request
    def headers(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
        return response

    @app.errorhandler(500)
    def broken(error):
        LOG.error("request failed: %s", getattr(error, "original_exception", error))
        return render_template("error.html", code=500,
                               message="Er ging iets mis. Probeer opnieuw of vraag de IT."), 500

    @app.errorhandler(400)
    @app.errorhandler(404)
    @app.errorhandler(405)
    @app.errorhandler(413)
    def plain_error(error):
        return render_template("error.html", message=error.description,
                               code=error.code), error.code

    @app.get("/login")
    def login_form():
        return render_template("login.html", message="")

    @app.post("/login")
    def login():
        name = request.form.get("name", "").strip().lower()[:40]
        try:
            attempt = people.login(name, request.form.get("password", "")[:users.MAX_PASSWORD + 1])
        except users.UserError as exc:               # nobody gets in on a damaged file
            LOG.error("login refused to everyone: %s", exc)
            return render_template("login.html", message="Aanmelden lukt nu niet. Vraag de IT "
                                   "om de lijst van begeleiders na te kijken."), 503
        if not attempt.ok:
            # a typed name that is no counsellor's may be a password typed in the wrong box
            known = name if users.NAME.fullmatch(name) and name in people.names() else "?"
            LOG.warning("failed login for %s%s", known, " (locked)" if attempt.locked else "")
            message = ("Deze naam is even geblokkeerd na te veel foute wachtwoorden. "
                       "Probeer later opnieuw." if attempt.locked
                       else "Naam of wachtwoord klopt niet.")
            return render_template("login.html", message=message), 401
        target = session.get("next") if str(session.get("next", "")).startswith("/r/") else "/"
        session.clear()                              # a fresh session after a login
        session.update(user=name, since=time.time(), csrf=secrets.token_urlsafe(32))
        session.permanent = True
        LOG.info("%s logged in", name)
        return redirect(target)

    @app.post("/logout")
    def logout():
        session.clear()
        return redirect("/login")

    @app.get("/")
    def start():
        return render_template("open.html", message="", text="")

    def show(text: str):
        """A booking page, or the open form with the same refusal `kiosk handoff show` gives."""
        token = shortcode.find(text) if len(text) <= MAX_TEXT else None
        try:
            found = read_handoff(cfg, token or text, today() if today else None)
        except HandoffError as exc:
            LOG.info("%s: a booking was refused: %s", session["user"], exc)
            return render_template("open.html", message=str(exc), text="",
                                   meaning=summary.refusal_meaning(str(exc))), 422
        from kiosk.catalog import db
        try:
            catalog = db.open_catalog()
        except FileNotFoundError:
            catalog = None
        try:
            page = summary.build(found, catalog)
        finally:
            if catalog is not None:
                catalog.close()
        LOG.info("%s opened a booking of kiosk %s made on %s", session["user"], page.kiosk,
                 page.day.isoformat())
        return render_template("booking.html", page=page)

    @app.post("/open")
    def open_text():
        return show(request.form.get("text", "")[:MAX_TEXT + 1])

    @app.get("/r/<path:reference>")
    def direct(reference):
        return show(reference)

    return app


def serve(cfg, host: str, port: int) -> None:
    """Run the page with waitress until stopped."""
    import waitress
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    LOG.info("counsellor page on http://%s:%s", host, port)
    waitress.serve(create_app(cfg), host=host, port=port, threads=cfg.counsellor.threads,
                   ident="leerwinkel", url_scheme="https" if cfg.counsellor.secure_cookies
                   else "http")
