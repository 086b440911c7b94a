"""The workshop settings: the screen's port and the kernels ready for a meeting."""

from workbench.settings import Setting

SETTINGS = [
    Setting("workshop_port", 8867,
            "Port of the workshop screen (Voilà serving notebooks/public/workshop.ipynb), "
            "started by 'workbench serve --workshop'. The screen needs the facilitator's token "
            "that 'workbench workshop open' prints.", int),
    Setting("workshop_pool", 60,
            "Resident kernels started before a workshop and kept ready ('workbench serve "
            "--workshop' uses it instead of preheat_kernels). Set it before the meeting to the "
            "number of phones expected: each kernel takes about 90 MiB (60: some 5.5 GiB) and "
            "about 2 s of CPU to start, so start the server a few minutes early. A kernel "
            "taken is replaced only two minutes later, once the arrivals are over; phones "
            "beyond the pool wait for those. Measured by bench/bench_workshop.py.", int),
]
