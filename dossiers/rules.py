"""Who may act on a dossier: one rule per role, shared by every part that asks.

The transitions of ``Dossier`` name these rules as their ``permission`` (django-fsm
calls them with the dossier and the user); the selectors' scopes, the choice of
assignee and the staff reminders use the same rules, so who may act, who is
offered the work and who is reminded of it never disagree.

Nothing here reads the database except ``is_manager`` (the agency tree).
"""

from collections.abc import Callable
from typing import Any

from accounts.models import Role
from procedures.selectors import agency_subtree

Rule = Callable[[Any, Any], bool]


def is_own_applicant(dossier: Any, user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.APPLICANT
        and dossier.applicant_id == user.pk
    )


def is_desk_clerk(dossier: Any, user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.CLERK
        and user.agency_id is not None
        and dossier.receiving_desk_id == user.agency_id
    )


def step_handler_lookup(
    *, role: str, department_id: int | None, deciding_agency_id: int | None
) -> dict[str, Any]:
    """Who handles a route step, as field values a user must have.

    An officer's step belongs to its department (or, without one, to the
    deciding agency's officers); a leader signs for the whole deciding agency,
    whichever department the leader's step sits in.
    """
    if role == Role.OFFICER and department_id is not None:
        return {"role": role, "department_id": department_id}
    return {"role": role, "agency_id": deciding_agency_id}


def is_step_handler(user: Any, lookup: dict[str, Any]) -> bool:
    """Whether ``user`` has the field values of a ``step_handler_lookup``."""
    return all(getattr(user, name) == value for name, value in lookup.items())


def handles_step(user: Any, step: Any, dossier: Any) -> bool:
    """Whether ``user`` is one of the people who handle ``step`` of ``dossier``."""
    if step is None or not user.is_authenticated:
        return False
    lookup = step_handler_lookup(
        role=step.role,
        department_id=step.department_id,
        # An inter-agency route's step is its own agency's (docs/interagency.md).
        deciding_agency_id=getattr(step, "agency_id", None)
        or dossier.deciding_agency_id,
    )
    return is_step_handler(user, lookup)


def is_step_officer(dossier: Any, user: Any) -> bool:
    # An officer acts only on officer steps: a leader's step is the leader's even
    # when it sits in the officer's own department.
    return user.is_authenticated and (
        user.role == Role.OFFICER and handles_step(user, dossier.current_step, dossier)
    )


def is_step_leader(dossier: Any, user: Any) -> bool:
    return user.is_authenticated and (
        user.role == Role.LEADER and handles_step(user, dossier.current_step, dossier)
    )


def is_deciding_leader(dossier: Any, user: Any) -> bool:
    """A leader of the agency that decides the dossier now: on an inter-agency
    route, the agency holding the current step (its stop ends the dossier)."""
    if not (user.is_authenticated and user.role == Role.LEADER):
        return False
    step = dossier.current_step if getattr(dossier, "crosses_agencies", False) else None
    holder = getattr(step, "agency_id", None) or dossier.deciding_agency_id
    return holder == user.agency_id


def is_manager(dossier: Any, user: Any) -> bool:
    """A centre manager, for dossiers received or decided within their agency tree."""
    if not (user.is_authenticated and user.role == Role.MANAGER):
        return False
    scope = agency_subtree(user.agency_id)
    return dossier.receiving_desk_id in scope or dossier.deciding_agency_id in scope


def any_of(*rules: Rule) -> Rule:
    def allowed(dossier: Any, user: Any) -> bool:
        return any(rule(dossier, user) for rule in rules)

    return allowed
