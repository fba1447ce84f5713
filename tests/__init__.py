"""exportkit's tests.

They assert English messages, so the interface language is English whatever the machine's
locale, from before `exportkit.cli` builds its help texts (typer does it on import).
"""

import os

os.environ["EXPORTKIT_LANG"] = "en"
