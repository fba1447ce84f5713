"""One destination's rules as readable lines, unknowns said as unknown."""

from __future__ import annotations

from exportkit.i18n import N_, _

COMBINE = {"lesser": N_("lesser"), "greater": N_("greater")}  # which of share and days counts


def _days(days: int) -> str:
    return _("{days} days").format(days=days)


def market_lines(market, lang: str) -> list[str]:
    name = f"{market.code} {market.name(lang)}"
    transit = _days(market.transit_days) if market.transit_days is not None else _("unknown")
    lines = [_("{market} (rules of {bloc})").format(market=name, bloc=market.via)
             if market.via else name,
             "  " + _("sea transit: {transit}").format(transit=transit)]
    if market.origin is None:
        lines.append("  " + _("certificate of origin: unknown"))
    else:
        for option in market.origin:
            kind = _("preferential") if option.preferential else _("non-preferential")
            lines.append("  " + _("origin: {agreement} {form} ({kind}): {text}").format(
                agreement=option.agreement, form=option.form, kind=kind,
                text=getattr(option.text, lang)))
    for category, rules in sorted(market.categories.items()):
        lines.append(f"  {category}:")
        if rules.certificates is None:
            names = _("unknown")
        else:
            names = ", ".join(
                _("{certificate} (from {date})").format(
                    certificate=r.code, date=r.applies_from.isoformat())
                if r.applies_from else r.code
                for r in rules.certificates) or _("none beyond the general rules")
        lines.append("    " + _("certificates: {names}").format(names=names))
        languages = (_("unknown") if rules.label_languages is None
                     else ", ".join(rules.label_languages) or _("no rule"))
        lines.append("    " + _("label languages: {languages}").format(languages=languages))
        if rules.min_remaining is None:
            shown = _("unknown")
        else:
            rule = rules.min_remaining
            parts = [f"{rule.share:.0%}" if rule.share is not None else None,
                     _days(rule.days) if rule.days is not None else None]
            present = [p for p in parts if p]
            shown = (_("{share} or {days}").format(share=present[0], days=present[1])
                     if len(present) == 2 else present[0])
            if all(parts):
                combine = _(COMBINE.get(rule.combine, rule.combine))
                shown += f" ({combine})"
        lines.append("    " + _("minimum shelf life at arrival: {rule}").format(rule=shown))
        lines.extend("    " + _("note: {note}").format(note=getattr(n, lang))
                     for n in rules.notes)
    return lines
