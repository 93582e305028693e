"""The figures each part prints: what it tried, what it noticed, and the failure counts that must all be 0."""

from __future__ import annotations

from dataclasses import dataclass, field

EXAMPLES = 3  # examples kept of each failure, enough to start looking


@dataclass
class Figures:
    """One part's figures against one target: inputs tried, failure counts (each must be 0), and facts."""

    part: str
    target: str
    kinds: tuple[str, ...]  # the failure figures this part counts, printed even when 0
    tried: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)  # what is worth knowing but is no failure
    examples: dict[str, list[str]] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)  # every failure with its example, written beside the run
    seconds: float = 0.0

    def __post_init__(self) -> None:
        for kind in self.kinds:
            self.failures.setdefault(kind, 0)

    def fail(self, kind: str, example: str = "", times: int = 1) -> None:
        """Counts `times` failures of `kind`, keeping the first few examples."""
        self.failures[kind] = self.failures.get(kind, 0) + times
        self.log.append(f"{kind}: {example}")
        kept = self.examples.setdefault(kind, [])
        if example and len(kept) < EXAMPLES and example not in kept:
            kept.append(example[:300])

    def note(self, name: str, value: object) -> None:
        """Records a fact."""
        self.facts[name] = str(value)

    def failed(self) -> bool:
        """Whether any failure figure is not 0."""
        return any(self.failures.values())

    def report(self) -> str:
        """The figures as the part prints them when it ends."""
        verdict = "FAIL" if self.failed() else "ok"
        lines = [f"== {self.part} against {self.target}: {verdict} ({self.tried} inputs, {self.seconds:.0f} s)"]
        lines.append("   " + ", ".join(f"{kind} {count}" for kind, count in self.failures.items()))
        if self.facts:
            lines.append("   " + ", ".join(f"{name}: {value}" for name, value in self.facts.items()))
        for kind, examples in self.examples.items():
            for example in examples:
                lines.append(f"   {kind}: {example}")
        return "\n".join(lines)

    def row(self) -> str:
        """One line of the Markdown table of all figures (failures that are not 0 only)."""
        failures = ", ".join(f"{kind} {count}" for kind, count in self.failures.items() if count) or "none"
        return f"| {self.part} | {self.target} | {self.tried} | {failures} | {self.seconds:.0f} s |"


TABLE_HEAD = "| part | target | inputs | failures (not 0) | time |\n|---|---|---|---|---|"
