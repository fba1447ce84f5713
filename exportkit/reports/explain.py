"""An assessment as readable lines: every dimension, every lost point, every action."""

from __future__ import annotations


def _t(text: dict, lang: str) -> str:
    return text.get(lang) or text.get("en", "")


def _points(value: float) -> str:
    return f"{value:g}"


def explain_lines(result: dict, lang: str, title: str) -> list[str]:
    level = _t(result["level"], lang)
    lines = [title,
             f"  total {result['total']:.1f}/100 - {level}"
             + ("  [BLOCKED]" if result["blocked"] else "")]
    if result["market"]:
        via = f" (rules of {result['market_via']})" if result.get("market_via") else ""
        lines.append(f"  market: {result['market']}{via}")
    for dimension in result["dimensions"]:
        lines.append(f"  {_t(dimension['name'], lang)}: {dimension['score']:.0f}/100 "
                     f"(weight {dimension['share'] * 100:.0f}%)")
        for criterion in dimension["criteria"]:
            mark = {"met": "+", "partial": "~", "missing": "-", "unknown": "?"}.get(
                criterion["status"], " ")
            hard = " (required)" if criterion["hard"] else ""
            earned = (f"{_points(criterion['earned'])}/{_points(criterion['possible'])}"
                      if criterion["status"] != "unknown" else "unknown")
            lines.append(f"    {mark} {_t(criterion['name'], lang)}: {earned}{hard}")
    for heading, key in (("Blockers", "blockers"), ("Warnings", "warnings")):
        if result[key]:
            lines.append(f"  {heading}:")
            lines.extend(f"    ! {_t(m, lang)}" for m in result[key])
    if result["actions"]:
        lines.append("  Actions, most points first:")
        for number, action in enumerate(result["actions"], start=1):
            gain = f" +{action['gain']:g}" if action.get("gain") else ""
            unblock = " (removes a blocker)" if action.get("unblocks") else ""
            lines.append(f"    {number}. {_t(action, lang)}{gain}{unblock}")
    if result.get("origin"):
        lines.append("  Certificate of origin:")
        lines.extend(f"    {o['agreement']}: {o['form']} - {_t(o, lang)}"
                     for o in result["origin"])
    elif result["market"] and result.get("origin") is None:
        lines.append("  Certificate of origin: unknown for this market; check with the desk")
    for note in result.get("notes") or ():
        lines.append(f"  Note: {_t(note, lang)}")
    return lines
