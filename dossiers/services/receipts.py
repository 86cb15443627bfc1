"""What the desk was handed: each paper with its originals, certified copies and
copies (the list on Form 01), at the counter, online, or with a supplement."""

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import AttachmentKind, Dossier, PaperReceipt, ReceivedPaper
from .core import store_file


def record_papers(
    dossier: Dossier, received: Iterable[ReceivedPaper], actor: User, at: datetime
) -> list[PaperReceipt]:
    """Write what the desk was handed, paper by paper; a ticked paper counts at
    least one copy of some kind."""
    names = {paper["index"]: paper["name"] for paper in dossier.papers}
    rows = []
    for paper in received:
        if paper.index not in names:
            raise ValidationError(
                {"received": _("A received paper is not one of the procedure's.")}
            )
        if (
            paper.total <= 0
            or min(paper.originals, paper.certified_copies, paper.copies) < 0
        ):
            raise ValidationError(
                {
                    "received": _(
                        "“%(paper)s”: count at least one original, certified copy "
                        "or copy."
                    )
                    % {"paper": names[paper.index]}
                }
            )
        rows.append(
            PaperReceipt(
                dossier=dossier,
                paper_index=paper.index,
                name=names[paper.index],
                originals=paper.originals,
                certified_copies=paper.certified_copies,
                copies=paper.copies,
                received_by=actor,
                received_at=at,
            )
        )
    return PaperReceipt.objects.bulk_create(rows)


def record_attached_papers(dossier: Dossier, actor: User, at: datetime) -> None:
    """An online dossier's papers as received: its attached files, one row per
    paper not yet received on paper, each file an electronic copy."""
    already = set(dossier.paper_receipts.values_list("paper_index", flat=True))
    files = Counter(
        dossier.attachments.filter(kind=AttachmentKind.PAPER).values_list(
            "paper_index", flat=True
        )
    )
    names = {paper["index"]: paper["name"] for paper in dossier.papers}
    PaperReceipt.objects.bulk_create(
        PaperReceipt(
            dossier=dossier,
            paper_index=index,
            name=names[index],
            copies=count,
            electronic=True,
            received_by=actor,
            received_at=at,
        )
        for index, count in sorted(files.items())
        if index in names and index not in already
    )


def papers_note(received: Iterable[ReceivedPaper]) -> str:
    """The log's line per paper handed over: originals, certified copies, copies."""
    return "\n".join(
        _(
            "%(paper)s: %(originals)d original(s), %(certified)d certified "
            "copy(ies), %(copies)d copy(ies)"
        )
        % {
            "paper": paper.name,
            "originals": paper.originals,
            "certified": paper.certified_copies,
            "copies": paper.copies,
        }
        for paper in received
    )


def store_papers(
    dossier: Dossier, uploads: Iterable[tuple[int, UploadedFile]], actor: User
) -> None:
    """Keep the desk's scans of papers handed over, each under its paper."""
    for paper_index, upload in uploads:
        store_file(
            dossier,
            upload,
            kind=AttachmentKind.PAPER,
            paper_index=paper_index,
            actor=actor,
        )
