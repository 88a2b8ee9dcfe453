"""Text in both of Leap's languages."""

from dataclasses import dataclass

from advisor.advice.formats import is_chinese


@dataclass(frozen=True, slots=True)
class Text:
    """A text in both of Leap's languages; str() gives the active one."""

    en: str
    zh: str

    def __str__(self) -> str:
        return self.zh if is_chinese() else self.en
