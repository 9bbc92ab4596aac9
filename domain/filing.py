"""Filing a final report in the municipality's case system (ESDH) under a KLE subject.

KLE (KL Emnesystematik, Kommunernes Landsforenings emnesystematik) is the taxonomy Danish municipalities journalise
cases by: an emnenummer `NN.NN.NN` (hovedgruppe, gruppe, emne) and, optionally, a handlingsfacet such as `G01` that
says what kind of act the case is. Each municipality chooses the number its supervision reports are filed under; a
report keeps the number it was finalised with, so a later change of the municipality's choice does not move it.

The default is the general subject of KLE hovedgruppe 28, the group of dagtilbudsloven's subjects (dagtilbud,
fritidstilbud, private pasning): the nearest number that holds for every municipality. KLE has finer subjects, and
many municipalities file the pedagogical supervision under one of them; they set theirs on the municipality.
"""

from __future__ import annotations

import re

DEFAULT_KLE_CLASSIFICATION = "28.00.00"
KLE_MAX_LENGTH = len("NN.NN.NN A00")
_KLE = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}( [A-Z][0-9]{2})?")


def kle_problem(value: str) -> str | None:
    """Why `value` is not a KLE classification (`NN.NN.NN`, optionally ` X00` for a handlingsfacet), or None."""
    if not _KLE.fullmatch(value):
        return (
            "A KLE classification is an emnenummer NN.NN.NN (e.g. 28.00.00), optionally followed by a space and a "
            "handlingsfacet of one capital letter and two digits (e.g. 28.00.00 G01)."
        )
    return None
