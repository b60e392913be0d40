"""Reports: the committee pack for Overview and Scrutiny.

    committee.write_pack(settings, out_dir, period_end=None)   PDF and HTML
    narrative.py   commentary and summary drafted from the figures (rule-based)
    sdc.py         statistical disclosure control for every printed number
"""
