"""Names as every format needs them: CSL parts, display order, sort keys, initials."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .plain import is_org

if TYPE_CHECKING:
    from .model import Organization, Person

    Agent = Person | Organization



def csl_name(agent: Agent) -> dict[str, object]:
    """A CSL-JSON name object: parts for persons, a literal for organizations."""
    if is_org(agent):
        return {"literal": agent.org}
    out: dict[str, object] = {"family": agent.family}
    if agent.given:
        out["given"] = agent.given
    if agent.particle:
        out["non-dropping-particle"] = agent.particle
    if agent.suffix:
        out["suffix"] = agent.suffix
    if agent.family_first:
        out["static-ordering"] = True
    return out
