"""The baseline of `make bench`: a bare Flask app that answers "hello", served by the same
gunicorn settings as the portal, so the portal's speed is read as a ratio to it."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
