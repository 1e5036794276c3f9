"""The concept diagram: the figure, the zone counts, and overriding a note's zones."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from issuemine.app import store as st
from issuemine.app.routes.themes import view_or_409
from issuemine.app.web import Id, ZONE_CHOICES, get_conn, options_by_selected, render, workshop_or_404

router = APIRouter()


def figure_json(view) -> tuple[str, int]:
    """The diagram as plotly JSON, coloured by theme (after the facilitator's edits), and its height in px."""
    from issuemine.diagram.figure import diagram_figure

    fig = diagram_figure(view.notes, view.placements, view.assignments)
    # The page gives the figure the height it asks for, so its legend is not cut or overlapping the tables.
    height = int(fig.layout.height or 700)
    return fig.to_json(), height


def counts(view) -> tuple[list[dict], list[dict]]:
    """Membership per zone (an H∩C note counts for H and for C) and exclusive count per region."""
    from issuemine.diagram import ZONE_NAMES
    from issuemine.diagram.zones import members
    from issuemine.present.names import REGION_NAMES

    zones = [str(z) for z in view.placements["zones"]]
    membership = [{"code": z, "name": ZONE_NAMES[z], "count": sum(z in members(p) for p in zones)}
                  for z in ZONE_NAMES]
    exclusive = [{"code": c, "name": name, "count": sum(p == c for p in zones)} for c, name in REGION_NAMES.items()]
    return membership, exclusive


@router.get("/w/{workshop_id}/diagram")
def diagram_page(request: Request, workshop_id: Id, conn=Depends(get_conn)):
    ws = workshop_or_404(conn, workshop_id)
    view = view_or_409(conn, workshop_id)
    figure, height = figure_json(view)
    return render(request, "diagram.html", ws=ws, view=view, figure=figure, height=height, counts=counts(view),
                  total=len(view.placements),
                  notes=view.table().to_dict("records"), zone_options=options_by_selected(ZONE_CHOICES),
                  history=st.edit_history(conn, workshop_id))
