"""The app's pages, one module per step of the facilitator's flow."""

from issuemine.app.routes import diagram, download, kwic, survey, themes, upload, workshops

ROUTERS = [workshops.router, upload.router, themes.router, diagram.router, survey.router, download.router,
           kwic.router]
