"""Platform-neutral messages: what handlers return and the Messenger sends. Adapters render them."""
from __future__ import annotations

from dataclasses import dataclass, field

from handlers.config import TEXT_LIMIT
from handlers.insights.report import TeamDigest

OUTCOMES = ("positive", "mixed", "negative")


@dataclass(frozen=True)
class MoodChoice:
    score: int
    emoji: str
    label: str


MOOD_CHOICES: tuple[MoodChoice, ...] = (
    MoodChoice(1, "😞", "Rough"),
    MoodChoice(2, "🙁", "Low"),
    MoodChoice(3, "😐", "Okay"),
    MoodChoice(4, "🙂", "Good"),
    MoodChoice(5, "😄", "Great"),
)


def mood_choice(score: int) -> MoodChoice:
    return MOOD_CHOICES[score - 1]


@dataclass(frozen=True)
class NoteTurn:
    """What a relayed shared-note turn lets its reader do in one click: `tandem {verb} {number} …`."""

    verb: str  # "reply" (to a manager: answer the author) | "answer" (to the author: answer the managers)
    number: int


@dataclass(frozen=True)
class Text:
    """A plain reply. `ephemeral`: only the person who asked should see it. `turn`: a relayed shared-note turn,
    which chat channels give a Reply/Answer button (the typed command in `body` works everywhere)."""

    body: str
    ephemeral: bool = True
    turn: NoteTurn | None = None
    saved_note: bool = False  # "your note is saved": the console asks next whether to share it


@dataclass(frozen=True)
class MoodPrompt:
    """The check-in question with its five choices."""

    prompt_id: int
    question: str
    choices: tuple[MoodChoice, ...] = MOOD_CHOICES
    reminder: bool = False


@dataclass(frozen=True)
class MoodRecorded:
    """Confirms an answer; the check-in message is updated in place to show it and invite a note."""

    prompt_id: int
    choice: MoodChoice
    changed: bool
    has_note: bool


@dataclass(frozen=True)
class MomentLogged:
    """Confirms a moment; offers outcome and touchpoint choices that are still unset."""

    moment_id: int
    outcome: str | None
    touchpoint: str | None
    sentiment_label: str
    touchpoints: tuple[str, ...]
    outcomes: tuple[str, ...] = OUTCOMES


@dataclass(frozen=True)
class MomentForm:
    """Ask for a moment's details (a modal in Slack, a card in Teams, questions in the console)."""

    touchpoints: tuple[str, ...]
    outcomes: tuple[str, ...] = OUTCOMES
    text: str = ""
    source_link: str | None = None
    max_length: int = TEXT_LIMIT


@dataclass(frozen=True)
class Help:
    title: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Export:
    """A person's own data as JSON, for download or display."""

    filename: str
    content: str
    summary: str


@dataclass(frozen=True)
class Confirm:
    """A question that needs an explicit yes before anything irreversible happens."""

    question: str
    confirm_command: str


@dataclass(frozen=True)
class DigestMessage:
    """A weekly team digest with its chart (PNG and alt text), as the renderers show it."""

    report: TeamDigest
    chart_png: bytes | None = None
    chart_alt: str = ""


@dataclass(frozen=True)
class ActionAnnouncement:
    """A team action told to one member, with one-click "This helps" / "Doesn't help" (counted only in totals)."""

    body: str
    action_id: int


Message = (Text | MoodPrompt | MoodRecorded | MomentLogged | MomentForm | Help | Export | Confirm | DigestMessage
           | ActionAnnouncement)


@dataclass(frozen=True)
class Reply:
    """Everything a handler answers with, in order."""

    messages: tuple[Message, ...] = field(default_factory=tuple)

    @staticmethod
    def of(*messages: Message) -> Reply:
        return Reply(tuple(messages))


def replaces_clicked(reply: Reply) -> bool:
    """Whether the answer to a click replaces the message that was clicked: a card (the flow's next step)
    does; plain text (a refusal, an error) goes beside it, so the buttons stay there to try again."""
    return bool(reply.messages) and not isinstance(reply.messages[0], Text)
