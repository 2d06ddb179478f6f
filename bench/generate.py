"""Deterministic corpus generator: guides in the three structural variants, 8-15 KB each, front matter
like the real guides, and a known share of defects. Same arguments, byte-identical corpus.

    python bench/generate.py OUT_DIR --count 10000 [--seed 1] [--defect-share 0.3] [--ascii]

By default the guides look as real ones do (see `realistic.py`): names and places with accents,
em dashes, curly quotes, ellipses, euro amounts, typographic (’) and straight (') apostrophes (most
guides use both), the seeds' front matter styles and the many spellings of the answer labels. Such a
text is not ASCII, which takes guidelint down its slower paths (byte to character offsets, case
folding). `--ascii` writes the older, plain ASCII corpus, a second case to compare with.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # realistic.py beside this file

from realistic import realistic_guide  # noqa: E402

CATEGORIES = {
    "Sales": ("Enterprise", "SaaS", "Retail", "Logistics"),
    "Finance": ("Insurance", "Fintech", "Commercial Lending"),
    "Marketing": ("B2B Technology", "E-commerce", "SaaS"),
    "Customer Success": ("SaaS", "Healthcare IT", "Cloud Services"),
    "Operations": ("Enterprise", "Logistics", "Manufacturing"),
}
GROUPS = ("Technical", "Behavioral", "Situational", "Problem-Solving")
WORDS = ("account", "pipeline", "forecast", "client", "renewal", "quarter", "team", "process", "data", "budget",
         "stakeholder", "strategy", "target", "review", "contract", "growth", "metric", "plan", "risk", "launch")
ROLES = ("Account Executive", "Sales Manager", "Financial Analyst", "Marketing Lead", "Operations Manager",
         "Customer Success Manager", "Business Analyst", "Regional Director")


def sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def front_matter(rng: random.Random, index: int, defective: bool) -> str:
    category = rng.choice(sorted(CATEGORIES))
    vertical = rng.choice(CATEGORIES[category])
    slug = category.lower().replace(" ", "-")
    image = "software-engineering" if defective and rng.random() < 0.5 else slug
    alt = " ".join(part.capitalize() for part in image.split("-"))
    mod = '"2025-03-01"' if defective and rng.random() < 0.5 else "2025-03-01"
    tags = ["Interview Prep", category, rng.choice(WORDS).capitalize()]
    if defective and rng.random() < 0.3:
        tags.append(category.lower())
    role = rng.choice(ROLES)
    return (
        "---\n"
        f'term: "{role} Interview Preparation {index}"\n'
        f'description: "{sentence(rng, 30, 50)}"\n'
        f'category: "{category}"\n'
        f'vertical: "{vertical}"\n'
        "pubDate: 2025-02-01\n"
        f"modDate: {mod}\n"
        'author: "Bench Author"\n'
        "avatar:\n"
        '  url: "/images/bench.png"\n'
        '  alt: "Bench Author"\n'
        "image:\n"
        f'  url: "/images/{image}-interview.jpg"\n'
        f'  alt: "{alt} Interview"\n'
        f"tags: [{', '.join(chr(34) + t + chr(34) for t in tags)}]\n"
        "---\n\n"
    )


def answer_a(rng: random.Random, drop: str | None, pad: str) -> str:
    """An ordered-list answer; `pad` is the item's content indent (4 spaces after "10. ")."""
    parts = ["   **Answer:**\n"]
    for n in (1, 2):
        parts.append(f"   - **Example {n}:** {sentence(rng)}\n     - **Outcome:** {sentence(rng)}\n")
    parts.append("   - **Best Practices:**\n" + "".join(f"     - {sentence(rng)}\n" for _ in range(2)))
    if drop != "pitfalls":
        parts.append("   - **Pitfalls to Avoid:**\n" + "".join(f"     - {sentence(rng)}\n" for _ in range(2)))
    parts.append("   - **Follow-up Points:**\n" + "".join(f"     - {sentence(rng)}\n" for _ in range(2)))
    text = "\n".join([parts[0], "".join(parts[1:])])
    return "".join(pad + line[3:] if line.startswith("   ") else line for line in text.splitlines(True))


def answer_b(rng: random.Random, drop: str | None) -> str:
    lines = ["**Answer:**", f"- **Scenario 1**: {sentence(rng, 4, 8)}",
             f"  - **Context**: {sentence(rng)}", f"  - **Approach**: {sentence(rng)}",
             f"  - **Outcome**: {sentence(rng)}", f"  - **Best Practice**: {sentence(rng)}"]
    if drop != "pitfalls":
        lines.append(f"  - **Pitfall to Avoid**: {sentence(rng)}")
    lines.append(f"  - **Follow-up Point**: {sentence(rng)}")
    return "\n".join(lines) + "\n"


def answer_c(rng: random.Random, drop: str | None) -> str:
    blocks = ["**Answer:**", "- **Examples:**\n" + "".join(f"  - *Scenario {n}:* {sentence(rng)}\n" for n in (1, 2)),
              f"- **Results:**\n  - {sentence(rng)}\n", f"- **Approach:**\n  - {sentence(rng)}\n  - {sentence(rng)}\n"]
    if drop != "pitfalls":
        blocks.append(f"- **Pitfalls:**\n  - {sentence(rng)}\n")
    blocks.append(f"- **Follow-up Points:**\n  - {sentence(rng)}\n  - {sentence(rng)}\n")
    return "\n".join(blocks)


def guide(rng: random.Random, index: int, defect_share: float) -> str:
    defective = rng.random() < defect_share
    variant = index % 3
    out = [front_matter(rng, index, defective), "## Overview of Qualifications\n\n"]
    out.append("".join(f"- **{rng.choice(WORDS).capitalize()}:** {sentence(rng)}\n" for _ in range(4)) + "\n")
    out.append("## Interview Questions and Answers\n\n" if variant else
               "### Interview Questions and Answers\n\n")
    number = 0
    target = rng.randint(8 * 1024, 15 * 1024)
    size = sum(len(part) for part in out)
    group_index = 0
    while size < target or group_index < 2:
        group = GROUPS[group_index % len(GROUPS)]
        group_index += 1
        block = [f"{'####' if variant == 0 else '###'} {group} Questions\n\n"]
        for _ in range(2):
            number += 1
            drop = "pitfalls" if defective and rng.random() < 0.2 else None
            shown = number + 1 if defective and rng.random() < 0.05 else number
            question = sentence(rng, 6, 12)[:-1] + "?"
            if variant == 0:
                pad = " " * len(f"{shown}. ")
                block.append(f"{shown}. **{question}**\n\n{answer_a(rng, drop, pad)}\n")
            elif variant == 1:
                block.append(f"#### {shown}. {question}\n\n{answer_b(rng, drop)}\n")
            else:
                block.append(f"#### {shown}. {question}\n\n{answer_c(rng, drop)}\n")
        text = "".join(block)
        out.append(text)
        size += len(text)
    if defective and rng.random() < 0.3:
        out.append("\nContinue with additional questions and answers in the same structure.\n")
    return "".join(out).rstrip("\n") + "\n"


def generate(folder: Path, count: int, *, seed: int = 1, defect_share: float = 0.3,
             ascii_only: bool = False) -> list[Path]:
    make = guide if ascii_only else realistic_guide
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        path = folder / f"guide-{index:05d}.md"
        path.write_bytes(make(rng, index, defect_share).encode("utf-8"))  # no newline translation
        paths.append(path)
    return paths


def ensure_corpus(folder: Path, count: int, *, ascii_only: bool = False, at_least: bool = False) -> bool:
    """Make `folder` hold the corpus of `count` guides of that kind (or, with `at_least`, any larger one:
    its first `count` guides are the same files), unless a marker says it already does. True if written."""
    kind = "ascii" if ascii_only else "realistic"
    markers = [int(marker.name.split("-")[1]) for marker in folder.glob(f".count-*-{kind}")]
    if any(have == count or (at_least and have >= count) for have in markers):
        return False
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    generate(folder, count, ascii_only=ascii_only)
    (folder / f".count-{count}-{kind}").touch()
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--defect-share", type=float, default=0.3)
    parser.add_argument("--ascii", action="store_true", help="the plain ASCII corpus instead of realistic guides")
    args = parser.parse_args()
    paths = generate(args.out, args.count, seed=args.seed, defect_share=args.defect_share, ascii_only=args.ascii)
    total = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} guides, {total / 1e6:.1f} MB, to {args.out}")


if __name__ == "__main__":
    main()
