"""The concept diagram as a board: a card per region (drop targets), inferred placements to review, the
reason of each placement, overriding the zones of one or several notes; the figure on demand."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from issuemine.app import store as st
from issuemine.app.board import Query
from issuemine.app.boardcache import undo_state
from issuemine.app.routes.themes import board_or_409
from issuemine.app.web import Id, ZONE_CHOICES, get_conn, render, workshop_or_404

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
    view, board = board_or_409(request, conn, workshop_id, "diagram")
    query = Query.from_params(request.query_params)
    n_inferred = sum(1 for notes in board.notes_by_key.values() for n in notes if n["inferred"])
    return render(request, "diagram.html", ws=ws, view=view, board=board, query=query, groups=board.groups(query),
                  counts=counts(view), total=len(view.placements), n_inferred=n_inferred,
                  zone_choices=ZONE_CHOICES, undo=undo_state(conn, workshop_id, view))


@router.get("/w/{workshop_id}/diagram/figure.json")
def diagram_figure(request: Request, workshop_id: Id, conn=Depends(get_conn)):
    """The figure's plotly JSON (fetched when the facilitator opens the figure)."""
    workshop_or_404(conn, workshop_id)
    view, _ = board_or_409(request, conn, workshop_id, "diagram")
    figure, height = figure_json(view)
    return Response(f'{{"height": {height}, "figure": {figure}}}', media_type="application/json")


__all__ = ["router", "figure_json", "counts", "st"]
