"""README's table of the resident-kernel settings is the settings' own: each row is made from
the setting's variable, default and help text (workbench/settings.py), so a changed default or
help is a failing test until README says the same. ``python tests/test_readme_settings.py``
prints the rows to paste."""

from __future__ import annotations

import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
#: the settings that size and limit resident kernels, in README's order
KERNEL_SETTINGS = ["max_kernels", "kernel_memory_mib", "memory_reserve_mib",
                   "pages_per_minute_per_client", "trusted_proxies", "cull_idle_seconds",
                   "cull_interval_seconds", "preheat_kernels", "workshop_pool"]


def rows() -> list[str]:
    from workbench import settings

    by_name = {s.name: s for s in settings.all_settings()}
    out = []
    for name in KERNEL_SETTINGS:
        s = by_name[name]
        default = f"`{s.default}`" if s.default != "" else "(empty)"
        out.append(f"| `{s.env}` | {default} | {s.help} |")
    return out


def test_readme_lists_the_kernel_settings_with_their_defaults_and_help():
    text = README.read_text(encoding="utf-8")
    missing = [row for row in rows() if row not in text]
    assert not missing, "README's kernel settings differ from workbench settings:\n" + \
        "\n".join(missing)


if __name__ == "__main__":
    sys.stdout.write("\n".join(rows()) + "\n")
