"""The simulated organisation of `demo`: teams, their wellbeing and customer-quality arcs, and what people write."""
from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class TeamStory:
    name: str
    timezone: str
    baseline: float
    touchpoints: tuple[str, ...]
    sinks: bool = False

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _phase(self, week: int, weeks: int) -> int | None:
        """Weeks since the slump began (it begins a little before the middle), or None if it hasn't."""
        start = max(1, weeks * 3 // 8)
        return week - start if self.sinks and week >= start else None

    def mood_shift(self, week: int, weeks: int) -> float:
        phase = self._phase(week, weeks)
        return 0.0 if phase is None else (-1.0, -1.5, -1.3, -0.6, -0.3)[min(phase, 4)]

    def participation(self, week: int, weeks: int) -> float:
        phase = self._phase(week, weeks)
        return 0.9 if phase is None else (0.8, 0.72, 0.75, 0.85, 0.9)[min(phase, 4)]

    def customer_quality(self, week: int, weeks: int) -> float:
        """Share of positive moments; the slump shows up in customer moments one week later."""
        phase = self._phase(week, weeks)
        lagged = None if phase is None or phase < 1 else phase - 1
        return 0.68 if lagged is None else (0.3, 0.22, 0.3, 0.5, 0.62)[min(lagged, 4)]

    def satisfied_share(self, week: int, weeks: int) -> float:
        """Share of satisfied helpdesk ratings; like moments, CSAT follows the slump one week later."""
        phase = self._phase(week, weeks)
        lagged = None if phase is None or phase < 1 else phase - 1
        return 0.86 if lagged is None else (0.55, 0.45, 0.52, 0.7, 0.8)[min(lagged, 4)]


TEAMS: tuple[TeamStory, ...] = (
    TeamStory("Support", "Europe/London", 3.9, ("support", "billing", "onboarding"), sinks=True),
    TeamStory("Sales", "America/New_York", 3.7, ("sales", "renewal", "onboarding")),
    TeamStory("Success", "Europe/Berlin", 3.8, ("onboarding", "renewal", "product")),
)

NAMES: tuple[str, ...] = (
    "Amara", "Bilal", "Chen", "Dara", "Elif", "Farah", "Goran", "Hana", "Ines", "Jonas", "Kofi", "Lena", "Mateo",
    "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tariq", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe",
    "Aiko", "Bruno", "Carmen", "Dev", "Emeka", "Freya", "Gabriel", "Hugo", "Isla", "Jamal", "Kira", "Luca",
    "Maya", "Nico", "Olga", "Pavel", "Rhea", "Sofia", "Theo", "Vera", "Wanjiru", "Yara", "Zain", "Anouk",
)

NOTES: dict[int, tuple[str, ...]] = {
    1: ("Swamped again, third late night this week.", "Burned out. The queue never ends.",
        "Escalations all day and no backup :disappointed:", "Honestly exhausted, we are understaffed."),
    2: ("Too many tickets, not enough people.", "Rough day, a customer shouted at me.",
        "Slammed with escalations, struggling to keep up.", "Tired. The new tool keeps crashing."),
    3: ("Okay day, nothing special.", "Busy but manageable.", "Meetings all afternoon.",
        "Fine, a bit of a slow start."),
    4: ("Good day, cleared my backlog.", "Nice 1:1 with my manager.", "Solid progress on the renewal deck.",
        "Helped a customer fix their setup :+1:"),
    5: ("Great day! Kudos from a customer :tada:", "Loved the team lunch, felt really supported.",
        "Shout-out to Sam for the help today, brilliant teamwork.", "Closed a big deal, so happy!"),
}

MOMENTS: dict[str, tuple[str, ...]] = {
    "positive": ("Customer thanked us for the quick fix on their billing issue.",
                 "Onboarding call went smoothly, they loved the setup guide.",
                 "Got a kudos email from the client about our support.",
                 "Renewal signed early, they said the service has been excellent.",
                 "Customer said our answer saved them a whole day of work."),
    "mixed": ("Customer was happy with the fix but annoyed it took three days.",
              "Demo went well, though they pushed back hard on pricing.",
              "Resolved the ticket, but the customer asked for a manager first."),
    "negative": ("Customer escalated after waiting a week for a reply.",
                 "Client asked for a refund, frustrated by repeated outages.",
                 "Customer churned, said support was too slow.",
                 "Angry call about a billing mistake we made twice.",
                 "They complained nobody followed up on their bug report."),
}

RATING_COMMENTS: dict[bool, tuple[str, ...]] = {
    True: ("Quick and friendly, thank you!", "Solved on the first reply.", "Very helpful, explained everything.",
           "Great service as always."),
    False: ("Waited days for an answer.", "Had to explain my problem three times.", "Still not fixed.",
            "Nobody followed up, very frustrating."),
}
