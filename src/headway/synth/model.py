"""What every part of the simulation shares: the random generator, the time span,
England's working days, the organisation, and the timeliness pattern (season,
a mild improving trend, month-to-month noise and team differences)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from headway.synth import params
from headway.synth.days import WorkingDays, collection_year_bounds, day, month_of_year, months_since_epoch
from headway.synth.org import Org, build_org


@dataclass
class Model:
    rng: np.random.Generator
    children: int            # the 0-17 population in the last collection year
    first_year: int          # collection years, as the year each ends
    last_year: int
    wd: WorkingDays
    org: Org
    month_noise: np.ndarray  # lateness factor per calendar month, from first_month
    first_month: int

    @property
    def window_start(self) -> int:
        """1 April at the start of the first collection year."""
        return collection_year_bounds(self.first_year)[0]

    @property
    def end(self) -> int:
        """31 March at the end of the last collection year: the extract date."""
        return collection_year_bounds(self.last_year)[1]

    @property
    def history_start(self) -> int:
        return day(dt.date(self.first_year - 1 - params.HISTORY_YEARS, 4, 1))

    @property
    def care_history_start(self) -> int:
        return day(dt.date(self.first_year - 1 - params.CARE_HISTORY_YEARS, 4, 1))

    def population(self, collection_year: int) -> int:
        """Children aged 0-17 in the authority in a collection year (mid-year before it ends)."""
        years_before_last = self.last_year - max(collection_year, self.first_year)
        return round(self.children * (1 - params.POPULATION_GROWTH_PER_YEAR) ** years_before_last)

    def lateness(self, base: float, days: np.ndarray, teams: np.ndarray) -> np.ndarray:
        """Probability that a piece of work started on `days` by `teams` is late."""
        month = month_of_year(days)
        season = np.array([0.0] + [params.LATENESS_MONTH_FACTOR[m] for m in range(1, 13)])[month]
        noise_index = np.clip(months_since_epoch(days) - self.first_month, 0, len(self.month_noise) - 1)
        middle = (self.window_start + self.end) / 2
        trend = (1 - params.LATENESS_IMPROVEMENT_PER_YEAR) ** ((days - middle) / 365.25)
        p = base * season * self.month_noise[noise_index] * trend * self.org.team_lateness[teams]
        return np.clip(p, 0.005, 0.8)


def build_model(seed: int, children: int, years: int, last_year: int) -> Model:
    rng = np.random.default_rng(seed)
    first_year = last_year - years + 1
    earliest = first_year - 2 - params.CARE_HISTORY_YEARS
    wd = WorkingDays(earliest, last_year + 20)
    org = build_org(rng, children)
    first_month = int(months_since_epoch(np.array([day(dt.date(earliest, 1, 1))]))[0])
    n_months = (last_year + 21 - earliest) * 12
    noise = np.exp(params.LATENESS_MONTHLY_NOISE * rng.standard_normal(n_months))
    return Model(rng, children, first_year, last_year, wd, org, noise, first_month)
