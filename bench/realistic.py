"""Guides the way real ones look, for the benchmark's default corpus (bench/generate.py).

Written for this benchmark from the shapes described in ../shared/GUIDE_FORMAT.md (no text is taken
from any guide). What makes them realistic, as far as a linter's cost goes:
- the text is not ASCII: authors and places with accents (é, ü, ñ, å), em dashes, curly quotes,
  ellipses and euro amounts, a few in every guide;
- apostrophes of both kinds, typographic (’) and straight ('), in most guides (some use one kind);
- the front matter as the seeds write it: a 400-530 character description, `pubDate` unquoted and
  `modDate` often quoted, `avatar: ` with a trailing space, a flow list of tags;
- the three body shapes with the seeds' mix of label spellings (Outcome / Outcomes / Result / Results,
  Pitfalls to Avoid / Pitfall to Avoid / Pitfalls, Example N / Scenario N / Situation ...), "Additional
  Questions" groups, closing summaries, trailing spaces after `**Answer:**`, a leftover generation
  instruction now and then, and sometimes no newline at the end.
"""
from __future__ import annotations

import random

CATEGORIES = {
    "Sales": ("Enterprise", "SaaS", "Medical Devices", "Retail", "Logistics", "Telecommunications"),
    "Finance": ("Equipment Financing", "Commercial Lending", "Insurance", "Fintech", "Wealth Management"),
    "Marketing": ("B2B Technology", "Consumer Goods", "E-commerce", "SaaS"),
    "Customer Success": ("SaaS", "Healthcare IT", "Cloud Services", "Enterprise"),
    "Operations": ("Enterprise", "Logistics", "Manufacturing"),
}
ROLES = ("Account Executive", "Sales Manager", "Financial Analyst", "Marketing Lead", "Operations Manager",
         "Customer Success Manager", "Business Analyst", "Regional Director", "Leasing Specialist")
AUTHORS = ("José Muñoz", "Zoë Müller", "Renée Dubois", "Björn Åkesson", "Will Gordon", "Ana Ibáñez",
           "François Lefèvre", "Jürgen Weiß", "Priya Natarajan", "Siobhán O'Neill")
PLACES = ("Zürich", "São Paulo", "Málaga", "Kraków", "Montréal", "Düsseldorf", "Chicago", "Toronto")
WORDS = ("account", "pipeline", "forecast", "client", "renewal", "quarter", "team", "process", "data", "budget",
         "stakeholder", "strategy", "target", "review", "contract", "growth", "metric", "plan", "risk", "launch",
         "relationship", "negotiation", "portfolio", "compliance", "onboarding", "territory", "quota", "lease",
         "underwriting", "retention", "churn", "cadence", "objection", "discovery", "proposal", "vendor")
VERBS = ("improved", "built", "led", "negotiated", "reduced", "tracked", "aligned", "prioritized", "closed",
         "reviewed", "mapped", "escalated", "streamlined", "coached")
POSSESSORS = ("client", "team", "manager", "customer", "company", "buyer", "candidate", "partner")
CONTRACTIONS = ("don't", "it's", "I'd", "we'd", "didn't", "wasn't", "I've", "they're", "can't", "that's")
GROUPS = ("Technical", "Behavioral", "Situational", "Problem-Solving")


class Voice:
    """One guide's writing habits: which apostrophes it uses and how often it reaches for typography."""

    def __init__(self, rng: random.Random) -> None:
        roll = rng.random()
        # most guides mix the two kinds; the rest keep to one
        self.curly_share = 0.7 if roll < 0.6 else (1.0 if roll < 0.85 else 0.0)
        self.rng = rng

    def apostrophe(self) -> str:
        return "\u2019" if self.rng.random() < self.curly_share else "'"

    def sentence(self, low: int = 8, high: int = 18) -> str:
        rng = self.rng
        words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
        roll = rng.random()
        if roll < 0.22:
            words.insert(rng.randrange(len(words)), f"{rng.choice(POSSESSORS)}{self.apostrophe()}s")
        elif roll < 0.34:
            words.insert(rng.randrange(len(words)), rng.choice(CONTRACTIONS).replace("'", self.apostrophe()))
        elif roll < 0.38:
            words.insert(rng.randrange(len(words)), "in " + rng.choice(PLACES))
        if rng.random() < 0.06:
            words.insert(rng.randrange(1, len(words) + 1), f"by €{rng.randint(2, 90)}k")
        text = " ".join(words)
        text = text[0].upper() + text[1:]
        roll = rng.random()
        if roll < 0.10:
            cut = rng.randrange(2, len(words))
            head, tail = " ".join(words[:cut]), " ".join(words[cut:])
            text = f"{head[0].upper() + head[1:]} \u2014 {tail}"
        elif roll < 0.14:
            text += f", a \u201c{rng.choice(WORDS)} {rng.choice(WORDS)}\u201d moment"
        elif roll < 0.16:
            return text + "\u2026"
        return text + "."

    def question(self) -> str:
        rng = self.rng
        openers = ("How do you", "Describe a time when you", "What is your approach to",
                   "How would you handle a", "Can you walk us through how you")
        text = f"{rng.choice(openers)} {' '.join(rng.choice(WORDS) for _ in range(rng.randint(3, 8)))}"
        if rng.random() < 0.2:
            text += f" for a {rng.choice(POSSESSORS)}{self.apostrophe()}s {rng.choice(WORDS)}"
        return text + "?"


def _front_matter(voice: Voice, index: int, defective: bool) -> str:
    rng = voice.rng
    category = rng.choice(sorted(CATEGORIES))
    vertical = rng.choice(CATEGORIES[category])
    slug = category.lower().replace(" ", "-")
    image = "software-engineering" if defective or rng.random() < 0.2 else slug  # the seeds' mistake, often
    alt = " ".join(part.capitalize() for part in image.split("-"))
    mod = '"2025-02-04"' if rng.random() < 0.7 else "2025-02-04"
    description = voice.sentence(20, 30)
    while len(description) < 400:
        description += " " + voice.sentence(8, 14)
    description = description[:530].rstrip(" .") + "."
    role = rng.choice(ROLES)
    author = rng.choice(AUTHORS)
    tags = ["Interview Prep", category, vertical, rng.choice(WORDS).capitalize()]
    if defective and rng.random() < 0.3:
        tags.append(category.lower())
    return (
        "---\n"
        f'term: "{role} Interview Preparation {index}"\n'
        f'description: "{description}"\n'
        f'category: "{category}"\n'
        f'vertical: "{vertical}"\n'
        "pubDate: 2025-02-04\n"
        f"modDate: {mod}\n"
        f'author: "{author}"\n'
        "avatar: \n"
        '  url: "/images/me.png"\n'
        f'  alt: "{author}"\n'
        "image:\n"
        f'  url: "/images/{image}-interview.jpg"\n'
        f'  alt: "{alt} Interview"\n'
        f"tags: [{','.join(chr(34) + t + chr(34) for t in tags)}]\n"
        "---\n\n"
    )


def _answer_label(voice: Voice) -> str:
    return "**Answer:** \n" if voice.rng.random() < 0.3 else "**Answer:**\n"


def _answer_a(voice: Voice, drop: bool, pad: str) -> str:
    """Variant A: the answer indented under an ordered-list item, bold labels with the colon inside."""
    rng = voice.rng
    outcome = rng.choice(("Outcome", "Outcome", "Result", "Outcomes"))
    lines = [_answer_label(voice).rstrip("\n"), ""]
    for n in (1, 2):
        lines += [f"- **Example {n}:** {voice.sentence()}", f"  - **{outcome}:** {voice.sentence()}"]
    lines += ["- **Best Practices:**", *(f"  - {voice.sentence()}" for _ in range(2))]
    if not drop:
        lines += ["- **Pitfalls to Avoid:**", *(f"  - {voice.sentence()}" for _ in range(2))]
    lines += ["- **Follow-up Points:**", *(f"  - {voice.sentence()}" for _ in range(2))]
    return "".join(f"{pad}{line}\n" if line else "\n" for line in lines)


def _answer_b(voice: Voice, drop: bool) -> str:
    """Variant B: scenario bullets holding singular labels, the colon outside the bold."""
    rng = voice.rng
    lines = [_answer_label(voice).rstrip("\n")]
    for n in range(1, rng.choice((2, 2, 3)) + 1):
        lines += [f"- **Scenario {n}**: {voice.sentence(4, 8)}",
                  f"  - **Context**: {voice.sentence()}", f"  - **Approach**: {voice.sentence()}",
                  f"  - **{rng.choice(('Outcome', 'Outcome', 'Result'))}**: {voice.sentence()}"]
        if n == 1:
            lines.append(f"  - **Best Practice**: {voice.sentence()}")
            if not drop:
                lines.append(f"  - **{rng.choice(('Pitfall to Avoid', 'Pitfall to Avoid', 'Pitfalls'))}**: "
                             f"{voice.sentence()}")
            lines.append(f"  - **Follow-up Point**: {voice.sentence()}")
    return "\n".join(lines) + "\n"


_C_OPENERS = ("Situation", "Scenario", "Project Overview", "Integration Process", "Initial Steps")
_C_MIDDLES = ("Approach", "Actions Taken", "Actions", "Challenges", "Monitoring and Adjustment", "Reasoning")
_C_OUTCOMES = ("Outcome", "Outcomes", "Results", "Result")


def _answer_c(voice: Voice, drop: bool) -> str:
    """Variant C: free labelled sections whose labels vary from question to question."""
    rng = voice.rng
    blocks = [_answer_label(voice).rstrip("\n")]
    if rng.random() < 0.5:
        blocks.append("- **Examples:**\n" + "".join(f"  - *Scenario {n}:* {voice.sentence()}\n" for n in (1, 2)))
    else:
        blocks.append(f"- **{rng.choice(_C_OPENERS)}:** {voice.sentence()}\n")
    for label in rng.sample(_C_MIDDLES, 2):
        blocks.append(f"- **{label}:**\n" + "".join(f"  - {voice.sentence()}\n" for _ in range(2)))
    if rng.random() < 0.85:  # (a missing outcome: a real finding)
        blocks.append(f"- **{rng.choice(_C_OUTCOMES)}:**\n  - {voice.sentence()}\n")
    if rng.random() < 0.4:
        blocks.append(f"- **Key Learnings:**\n  - {voice.sentence()}\n")
    blocks.append(f"- **{rng.choice(('Best Practices', 'Best Practice'))}:**\n  - {voice.sentence()}\n")
    if not drop and rng.random() < 0.5:
        blocks.append(f"- **{rng.choice(('Pitfalls to Avoid', 'Pitfalls'))}:**\n  - {voice.sentence()}\n")
    blocks.append(f"- **{rng.choice(('Follow-up Points', 'Follow-up Point'))}:**\n  - {voice.sentence()}\n")
    return "\n".join(blocks)


def _overview(voice: Voice, role: str) -> str:
    rng = voice.rng
    out = [f"## Overview of Required and Recommended Qualifications for a{'n' if role[0] in 'AEIOU' else ''} "
           f"{role} Position\n\n### Required Certifications and Educational Background\n"]
    for n, title in enumerate(("Bachelor\u2019s Degree" if voice.curly_share else "Bachelor's Degree",
                               "Sales Certifications", "Industry Experience"), 1):
        colon = ":** " if rng.random() < 0.5 else "**: "
        out.append(f"{n}. **{title}{colon}\n" + "".join(f"   - {voice.sentence()}\n" for _ in range(2)) + "\n")
    return "".join(out)


def realistic_guide(rng: random.Random, index: int, defect_share: float) -> str:
    voice = Voice(rng)
    defective = rng.random() < defect_share
    variant = index % 3
    front = _front_matter(voice, index, defective)
    role = front.split('term: "', 1)[1].split(" Interview", 1)[0]
    out = [front, _overview(voice, role)]
    out.append(f"{'###' if variant == 0 else '##'} Interview Questions and Answers for the {role} Role\n\n")
    number = 0
    target = rng.randint(8 * 1024, 15 * 1024)
    size = sum(len(part.encode("utf-8")) for part in out)
    group_index = 0
    while size < target or group_index < 2:
        group = GROUPS[group_index % len(GROUPS)] + " Questions"
        if group_index >= 4 and rng.random() < 0.5:
            group = "Additional Questions"
        group_index += 1
        block = [f"{'####' if variant == 0 else '###'} {group}\n\n"]
        for _ in range(2):
            number += 1
            drop = defective and rng.random() < 0.2
            shown = number + 1 if defective and rng.random() < 0.05 else number
            question = voice.question()
            if variant == 0:
                pad = " " * len(f"{shown}. ")
                block.append(f"{shown}. **{question}**\n\n{_answer_a(voice, drop, pad)}\n")
            elif variant == 1:
                block.append(f"#### {shown}. {question}\n\n{_answer_b(voice, drop)}\n")
            else:
                block.append(f"#### {shown}. {question}\n\n{_answer_c(voice, drop)}\n")
        text = "".join(block)
        out.append(text)
        size += len(text.encode("utf-8"))
    if variant == 2 and rng.random() < 0.5:
        out.append(f"In summary \u2014 {voice.sentence(20, 30)} {voice.sentence()}\n")
    if defective and rng.random() < 0.3:
        out.append("\nContinue with additional questions and answers, maintaining the same level of detail "
                   "and structure as above.\n")
    text = "".join(out).rstrip("\n")
    return text if rng.random() < 0.5 else text + "\n"  # half end without a newline, as the seeds do
