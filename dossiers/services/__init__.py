"""Every write to a dossier: lock, transition, save, log, and notify after commit.

The model decides whether a move is legal (django-fsm states, conditions and
permissions); a service decides what follows from it. Each service runs in one
transaction with the dossier's row locked, so two people acting at once are
serialised: the second sees the first's change and is told so, and a failure
part-way leaves the database as it was.

The services live by concern; this package exposes them all:

* ``core``: the row lock, refusals and ``perform``, the one transition runner;
* ``filing``: the applicant's drafts, papers, submitting and withdrawing;
* ``intake``: the desk's paper check, Forms 01 and 03, the counter, notes;
* ``receipts``: the papers handed over, with their counts (Form 01's list);
* ``supplements``: Form 02 at intake and in processing, and the answers;
* ``processing``: transfer, route steps, decisions, Forms 04 and 05;
* ``interagency``: hand-offs between the agencies of one route (liên thông);
* ``results``: handing back the result;
* ``bulk``: one action on several dossiers, each through its own service;
* ``answers``: the online form's answers and the result delivery choice;
* ``codes`` and ``snapshot``: dossier codes and the procedure as filed.

Which service performs which action is in the registry (``dossiers/workflow.py``).
"""

from ..models import ApplicantDetails
from ..notices import notifications_muted
from ..workflow import available_actions, refusal_reason
from .answers import dossier_save_answers
from .bulk import BULK_ACTIONS, BULK_LIMIT, BulkOutcome, dossier_bulk_act
from .codes import issue_dossier_code
from .core import DossierChanged, TransitionRefused, notices_batched
from .filing import (
    DraftSaved,
    dossier_answer_supplement,
    dossier_attach_paper,
    dossier_attach_papers,
    dossier_create_draft,
    dossier_remove_paper,
    dossier_save_draft,
    dossier_submit,
    dossier_update_details,
    dossier_withdraw,
)
from .group_results import (
    awaits_linked_result,
    dossier_end_with_prerequisite,
    end_dependants,
    hold_for_linked_results,
    pass_result_on,
)
from .intake import (
    dossier_add_note,
    dossier_check_papers,
    dossier_file_at_counter,
    dossier_intake_at_counter,
    dossier_receive,
    dossier_receive_at_counter,
    dossier_refuse,
    walk_in_account,
)
from .interagency import dossier_return_to_agency, dossier_transfer_to_agency
from .processing import (
    dossier_approve,
    dossier_claim,
    dossier_deny,
    dossier_draft_extension,
    dossier_extend,
    dossier_forward,
    dossier_reassign,
    dossier_stop,
    dossier_transfer,
)
from .receipts import ReceivedPaper
from .results import dossier_return_result
from .snapshot import snapshot_procedure
from .supplements import (
    dossier_request_intake_supplement,
    dossier_request_supplement,
    dossier_supplement,
    dossier_supplement_at_counter,
)

__all__ = [
    "BULK_ACTIONS",
    "BULK_LIMIT",
    "ApplicantDetails",
    "BulkOutcome",
    "DossierChanged",
    "DraftSaved",
    "ReceivedPaper",
    "TransitionRefused",
    "available_actions",
    "awaits_linked_result",
    "dossier_add_note",
    "dossier_answer_supplement",
    "dossier_approve",
    "dossier_attach_paper",
    "dossier_attach_papers",
    "dossier_bulk_act",
    "dossier_check_papers",
    "dossier_claim",
    "dossier_create_draft",
    "dossier_deny",
    "dossier_draft_extension",
    "dossier_end_with_prerequisite",
    "dossier_extend",
    "dossier_file_at_counter",
    "dossier_forward",
    "dossier_intake_at_counter",
    "dossier_reassign",
    "dossier_receive",
    "dossier_receive_at_counter",
    "dossier_refuse",
    "dossier_remove_paper",
    "dossier_request_intake_supplement",
    "dossier_request_supplement",
    "dossier_return_result",
    "dossier_return_to_agency",
    "dossier_save_answers",
    "dossier_save_draft",
    "dossier_stop",
    "dossier_submit",
    "dossier_supplement",
    "dossier_supplement_at_counter",
    "dossier_transfer",
    "dossier_transfer_to_agency",
    "dossier_update_details",
    "dossier_withdraw",
    "end_dependants",
    "hold_for_linked_results",
    "issue_dossier_code",
    "notices_batched",
    "notifications_muted",
    "pass_result_on",
    "refusal_reason",
    "snapshot_procedure",
    "walk_in_account",
]
