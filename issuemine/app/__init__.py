"""The facilitator web app (``issuemine serve``): upload, analyse, fix the themes, place notes, download.

Kept import-light: the FastAPI app is built by ``issuemine.app.server.create_app`` on demand.
"""


def create_app(*args, **kwargs):
    from issuemine.app.server import create_app as _create_app

    return _create_app(*args, **kwargs)


__all__ = ["create_app"]
