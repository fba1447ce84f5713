"""`exportkit add KIND --field value ...`: one record from flags, for scripts.

The flags are the field names of data/fields.toml (`--nib`, `--name`, `--regency`, ...),
checked exactly as an imported row would be.
"""

from __future__ import annotations

import typer

from exportkit.cli.common import handle_errors
from exportkit.cli.options import Db, Json
from exportkit.errors import UsageError
from exportkit.i18n import _
from exportkit.labels import label

app = typer.Typer(help=_("Add or update one record from flags (for scripts)."),
                  no_args_is_help=True)

COMMANDS = {
    "business": ("business", 'exportkit add business --nib 9120001234567 --name "CV Jati '
                 'Ukir" --regency "Kabupaten Jepara" --province "Jawa Tengah"'),
    "product": ("product", 'exportkit add product --business-nib 9120001234567 '
                '--product-name "Kursi ukir jati" --category wood_furniture --hs-code 940360'),
    "cert": ("certification", 'exportkit add cert --business-nib 9120001234567 --kind SVLK '
             '--number VLK-001 --issued-on 2025-01-31 --expires-on 31/01/2031'),
    "export": ("export", 'exportkit add export --regency "Kabupaten Blitar" --commodity '
               '"Kendang jimbe" --year 2025 --destination Tiongkok --value 14.900.000.000 '
               '--currency IDR'),
    "rate": ("rate", "exportkit add rate --currency USD --year 2019 --rate 14013"),
}


def parse_flags(args: list[str], kind: str) -> dict[str, str]:
    from exportkit.ingest.spec import kinds

    fields = {f.name for f in kinds()[kind].fields}
    record: dict[str, str] = {}
    position = 0
    while position < len(args):
        flag = args[position]
        if not flag.startswith("--"):
            raise UsageError(_("unexpected {flag!r}: give fields as --field value").format(
                flag=flag))
        name, sep, value = flag[2:].partition("=")
        if not sep:
            if position + 1 >= len(args):
                raise UsageError(_("{flag} needs a value").format(flag=flag))
            value = args[position + 1]
            position += 1
        name = name.replace("-", "_")
        if name not in fields:
            raise UsageError(_("unknown field --{name} for {kind}; fields: {fields}").format(
                name=name.replace("_", "-"), kind=label(kind),
                fields=", ".join("--" + f.replace("_", "-") for f in sorted(fields))))
        record[name] = value
        position += 1
    if not record:
        raise UsageError(_("give the {kind}'s fields as flags, e.g. --name ...").format(
            kind=label(kind)))
    return record


def _register(command_name: str, kind: str, example: str) -> None:
    @app.command(command_name, context_settings={"allow_extra_args": True,
                                                  "ignore_unknown_options": True},
                 help=_("Add or update one {kind}.").format(kind=label(kind))
                 + "\n\n" + _("Example: {example}").format(example=example),
                 epilog=None)
    @handle_errors
    def command(ctx: typer.Context, db: Db = None, as_json: Json = False,
                dry_run: bool = typer.Option(False, "--dry-run", help=_("Check only."))) -> None:
        from datetime import date

        from exportkit.cli.enroll import show_report
        from exportkit.ingest.enroll import EnrollOptions, enroll_records
        from exportkit.registry import open_registry

        record = parse_flags(ctx.args, kind)
        database = open_registry(db)
        report = enroll_records(database, [(kind, [record])],
                                EnrollOptions(today=date.today(), dry_run=dry_run),
                                source="flags")
        show_report(report, database.location, as_json)


for _name, (_kind, _example) in COMMANDS.items():
    _register(_name, _kind, _example)
