"""Every action on a dossier, in one registry: who may, what it asks, what follows.

An action is a transition of ``Dossier`` (``dossiers/models.py``). Its entry here
says everything else about it: the label staff press, the form that asks for its
input, the printed form it issues (01–07), whether the applicant is told and how
their timeline names it, and what staff read once it is done. The service that
performs it registers itself with ``@performs`` (``dossiers/services/``).

* **Who may perform it**: the transition's ``permission`` (rules in
  ``dossiers/rules.py``) and ``conditions``, read by ``refusal_reason``.
* **What happens after it commits**: its service (``ACTIONS[name].service``)
  logs it, and if ``tells_applicant`` records the applicant's notice
  (``dossiers/notices.py``), sent after commit through ``notifications``.

Adding an action touches the model (a transition), the service and one entry.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import action_forms, interagency_forms
from .models import Dossier

# Whose words an action's note is: written by the centre to the applicant, or the
# applicant's own. Other notes are staff hand-offs the applicant never sees.
CENTRE_NOTE = "centre"
APPLICANT_NOTE = "applicant"


@dataclass(frozen=True)
class Action:
    """One action of the lifecycle; ``name`` is the ``Dossier`` transition."""

    name: str
    # What staff press; also the action's name in logs and lists.
    label: Promise
    # How the applicant's timeline tells it, in one sentence.
    timeline: Promise | str
    # What staff read once it is done (empty: the applicant's own action).
    done: Promise | str = ""
    # The workspace form asking for its input; None: not a workspace button.
    form: type[action_forms.ActionForm] | None = None
    # The printed forms (01–07) it issues.
    issues: tuple[str, ...] = ()
    # Whether the applicant is sent a notice (in-app, e-mail, SMS).
    tells_applicant: bool = True
    # CENTRE_NOTE, APPLICANT_NOTE or "" (see above).
    note: str = ""
    # A decision against the applicant: its button is shown in red.
    adverse: bool = False
    # Who holds the work inside the agency: never in the applicant's timeline.
    internal: bool = False

    @property
    def service(self) -> Callable[..., Any]:
        return _SERVICES[self.name]

    @property
    def note_for_applicant(self) -> bool:
        return self.note in (CENTRE_NOTE, APPLICANT_NOTE)


# Labels are lazy: each is read later, in its reader's language.
ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "submit",
            label=_("Submit online"),
            timeline=_(
                "You submitted the dossier online. The desk will check the papers."
            ),
        ),
        Action(
            "resubmit",
            label=_("Send the supplemented dossier back"),
            timeline=_(
                "You sent the supplemented dossier back. The desk will check it again."
            ),
        ),
        Action(
            "withdraw",
            label=_("Withdraw the dossier"),
            timeline=_("The dossier was withdrawn."),
            note=APPLICANT_NOTE,
        ),
        Action(
            "request_intake_supplement",
            label=_("Request a supplement (Form 02)"),
            timeline=_("The desk asked you to supplement the dossier (Form 02)."),
            done=_("Supplement request (Form 02) sent to the applicant."),
            form=action_forms.SupplementForms,
            issues=("02",),
            note=CENTRE_NOTE,
        ),
        Action(
            "refuse",
            label=_("Refuse the dossier (Form 03)"),
            timeline=_("The desk did not accept the dossier (Form 03)."),
            done=_("Dossier refused (Form 03)."),
            form=action_forms.ReasonsForm,
            issues=("03",),
            note=CENTRE_NOTE,
            adverse=True,
        ),
        Action(
            "receive",
            label=_("Receive the dossier (issue Form 01)"),
            timeline=_(
                "The desk received the dossier, issued its code and the appointment "
                "slip (Form 01). The processing time starts."
            ),
            done=_("Dossier received. Print Form 01 for the applicant."),
            form=action_forms.NoteForm,
            issues=("01", "06"),
        ),
        Action(
            "receive_at_counter",
            label=_("Receive at the counter (issue Form 01)"),
            timeline=_(
                "The dossier was received at the counter (Form 01). The processing "
                "time starts."
            ),
            done=_("Dossier received. Print Form 01 for the applicant."),
            issues=("01", "06"),
        ),
        Action(
            "file_at_counter",
            label=_("Register at the counter without receiving"),
            timeline=_(
                "The dossier was registered at the counter. The desk will tell you "
                "what is missing (Form 02) or why it cannot be accepted (Form 03)."
            ),
            done=_(
                "Dossier registered. Guide the applicant (Form 02) or refuse it "
                "(Form 03)."
            ),
            tells_applicant=False,
        ),
        Action(
            "supplement_at_counter",
            label=_("Record a supplement brought to the counter"),
            timeline=_(
                "The papers you brought to the desk were recorded. The dossier "
                "goes on; any paused processing time resumed."
            ),
            done=_("Supplement recorded; the dossier goes on."),
            form=action_forms.CounterSupplementForm,
            note=APPLICANT_NOTE,
        ),
        Action(
            "transfer",
            label=_("Transfer to the deciding agency"),
            timeline=_("The dossier was passed to the deciding agency."),
            done=_("Dossier transferred to the deciding agency."),
            form=action_forms.AssignForm,
            tells_applicant=False,
        ),
        Action(
            "forward",
            label=_("Forward to the next step"),
            timeline=_("The dossier moved to the next processing step."),
            done=_("Dossier forwarded to the next step."),
            form=action_forms.AssignForm,
            tells_applicant=False,
        ),
        Action(
            "transfer_to_agency",
            label=_("Transfer to the next agency (inter-agency)"),
            timeline=_(
                "The dossier was passed to the next agency that takes part in "
                "resolving it (inter-agency one-stop)."
            ),
            done=_(
                "Dossier transferred to the next agency; the hand-off is on Form 06."
            ),
            form=action_forms.AssignForm,
            tells_applicant=False,
        ),
        Action(
            "return_to_agency",
            label=_("Return to the sending agency"),
            timeline=_(
                "The dossier went back to the agency that sent it, to complete its "
                "part."
            ),
            done=_("Dossier returned to the sending agency, with your reasons."),
            form=interagency_forms.ReturnToAgencyForm,
            tells_applicant=False,
        ),
        Action(
            "claim",
            label=_("Take this step"),
            timeline="",
            done=_("You hold this step now; it is in your list."),
            form=action_forms.NoteForm,
            tells_applicant=False,
            internal=True,
        ),
        Action(
            "reassign",
            label=_("Reassign the step"),
            timeline="",
            done=_("The step was given to another handler; both see it logged."),
            form=action_forms.ReassignForm,
            tells_applicant=False,
            internal=True,
        ),
        Action(
            "request_supplement",
            label=_("Request a supplement (Form 02)"),
            timeline=_(
                "The deciding agency asked for more papers (Form 02). The processing "
                "time is paused until you answer."
            ),
            done=_("Supplement request sent; the clock is paused."),
            form=action_forms.SupplementForms,
            issues=("02",),
            note=CENTRE_NOTE,
        ),
        Action(
            "supplement",
            label=_("Supply the requested papers"),
            timeline=_(
                "You supplied the papers. Processing resumed and the appointment "
                "date moved by the time spent waiting."
            ),
            note=APPLICANT_NOTE,
        ),
        Action(
            "approve",
            label=_("Approve"),
            timeline=_("A decision was made: approved. The result is ready."),
            done=_("Decision recorded: approved. The result is ready to hand back."),
            form=action_forms.ApproveForm,
        ),
        Action(
            "deny",
            label=_("Deny, with reasons"),
            timeline=_("A decision was made: denied, with the reasons below."),
            done=_("Decision recorded: denied, with reasons."),
            form=action_forms.ReasonsForm,
            note=CENTRE_NOTE,
            adverse=True,
        ),
        Action(
            "draft_extension",
            label=_("Draft Form 04 for the leader to sign"),
            timeline=_(
                "An extension (Form 04) was drafted for the leader's signature."
            ),
            done=_("Form 04 drafted; the leader signs it from the dossier's page."),
            form=action_forms.ExtendForm,
            tells_applicant=False,
        ),
        Action(
            "extend",
            label=_("Extend the processing time (Form 04)"),
            timeline=_(
                "The processing time was extended, with an apology and a new date "
                "(Form 04)."
            ),
            done=_("Processing time extended (Form 04)."),
            form=action_forms.ExtendForm,
            issues=("04",),
            note=CENTRE_NOTE,
        ),
        Action(
            "stop",
            label=_("Stop processing (Form 05)"),
            timeline=_("Processing was stopped (Form 05)."),
            done=_("Processing stopped (Form 05)."),
            form=action_forms.ReasonsForm,
            issues=("05",),
            note=CENTRE_NOTE,
            adverse=True,
        ),
        Action(
            # Caused by the end of a prerequisite of the group, not a button.
            "end_with_prerequisite",
            label=_("End: a linked procedure it needs was refused"),
            timeline=_(
                "The dossier ended: a procedure of the group whose result it needs "
                "was refused, denied, stopped or withdrawn."
            ),
            done=_("Dossier ended with its prerequisite."),
            note=CENTRE_NOTE,
            adverse=True,
        ),
        Action(
            "return_result",
            label=_("Hand back the result"),
            timeline=_("The result was handed over."),
            done=_("Result handed back. The dossier is closed."),
            form=action_forms.ReturnForm,
        ),
    )
}

# Services by action name, filled by ``@performs`` when dossiers.services loads
# (DossiersConfig.ready imports it).
_SERVICES: dict[str, Callable[..., Any]] = {}


def performs(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated service as the one that performs ``names``."""

    def register(service: Callable[..., Any]) -> Callable[..., Any]:
        for name in names:
            if name not in ACTIONS:
                raise LookupError(f"{name!r} is not an action of dossiers.workflow.")
            _SERVICES[name] = service
        return service

    return register


def action(name: str) -> Action:
    return ACTIONS[name]


# --- reading the state machine ----------------------------------------------------


def refusal_reason(dossier: Dossier, name: str, user: Any) -> str | None:
    """Why ``user`` cannot do ``name`` on ``dossier`` now, or None if they can."""
    # On a stage of parallel branches, the rules read the user's own branch.
    dossier.focus_on(user)
    meta = getattr(dossier, name)._django_fsm
    if not meta.has_transition(dossier.state):
        return gettext("This cannot be done while the dossier is “%(state)s”.") % {
            "state": dossier.get_state_display()
        }
    # Permission first: someone who may not act learns that, not what is missing.
    if not meta.has_transition_perm(dossier, dossier.state, user):
        return gettext(
            "Your role does not allow this action on this dossier, or the dossier "
            "is not in your queue."
        )
    transition = meta.get_transition(dossier.state)
    for condition in transition.conditions:
        if not condition(dossier):
            return str(condition.reason)
    return None


def available_actions(dossier: Dossier, user: Any) -> list[str]:
    """The actions ``user`` may perform on ``dossier`` now."""
    return [
        transition.name
        for transition in dossier.get_available_state_transitions()
        if refusal_reason(dossier, transition.name, user) is None
    ]


def staff_actions(dossier: Dossier, user: Any) -> list[Action]:
    """The workspace buttons ``user`` may press on ``dossier`` now, in order."""
    allowed = set(available_actions(dossier, user))
    return [a for a in ACTIONS.values() if a.name in allowed and a.form is not None]


def issuers(number: str) -> frozenset[str]:
    """The actions that issue printed form ``number``."""
    return frozenset(a.name for a in ACTIONS.values() if number in a.issues)
