"""One destination's rules as readable lines, unknowns said as unknown."""

from __future__ import annotations


def market_lines(market, lang: str) -> list[str]:
    via = f" (rules of {market.via})" if market.via else ""
    transit = (f"{market.transit_days} days" if market.transit_days is not None
               else "unknown")
    lines = [f"{market.code} {market.name(lang)}{via}", f"  sea transit: {transit}"]
    if market.origin is None:
        lines.append("  certificate of origin: unknown")
    else:
        for option in market.origin:
            kind = "preferential" if option.preferential else "non-preferential"
            lines.append(f"  origin: {option.agreement} {option.form} ({kind}): "
                         f"{getattr(option.text, lang)}")
    for category, rules in sorted(market.categories.items()):
        lines.append(f"  {category}:")
        if rules.certificates is None:
            lines.append("    certificates: unknown")
        else:
            names = ", ".join(
                r.code + (f" (from {r.applies_from.isoformat()})" if r.applies_from else "")
                for r in rules.certificates) or "none beyond the general rules"
            lines.append(f"    certificates: {names}")
        languages = ("unknown" if rules.label_languages is None
                     else ", ".join(rules.label_languages) or "no rule")
        lines.append(f"    label languages: {languages}")
        if rules.min_remaining is None:
            lines.append("    minimum shelf life at arrival: unknown")
        else:
            rule = rules.min_remaining
            parts = [f"{rule.share:.0%}" if rule.share is not None else None,
                     f"{rule.days} days" if rule.days is not None else None]
            shown = " or ".join(p for p in parts if p)
            lines.append(f"    minimum shelf life at arrival: {shown}"
                         + (f" ({rule.combine})" if all(parts) else ""))
        lines.extend(f"    note: {getattr(n, lang)}" for n in rules.notes)
    return lines
