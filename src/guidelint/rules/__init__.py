"""The rule registry: every rule, listed explicitly (no folder scanning)."""
from __future__ import annotations

from . import (
    answer_indentation,
    content_after_questions,
    date_style,
    description_length,
    duplicate_question,
    duplicate_term,
    empty_section,
    file_encoding,
    final_newline,
    front_matter_missing,
    front_matter_schema,
    front_matter_syntax,
    generation_artifact,
    heading_increment,
    image_category_mismatch,
    label_style,
    mixed_apostrophes,
    nesting_depth,
    question_group,
    question_missing_part,
    question_numbering,
    required_section,
    tags_duplicate,
    taxonomy,
    trailing_whitespace,
    unused_suppression,
    yaml_version_ambiguity,
)
from .base import Context, CorpusEntry, Rule

_ALL: tuple[Rule, ...] = (
    file_encoding.RULE,
    trailing_whitespace.RULE,
    final_newline.RULE,
    nesting_depth.RULE,
    unused_suppression.RULE,
    front_matter_missing.RULE,
    front_matter_syntax.RULE,
    front_matter_schema.RULE,
    date_style.RULE,
    yaml_version_ambiguity.RULE,
    image_category_mismatch.RULE,
    tags_duplicate.RULE,
    taxonomy.CATEGORY_RULE,
    taxonomy.VERTICAL_RULE,
    description_length.RULE,
    heading_increment.RULE,
    empty_section.RULE,
    generation_artifact.RULE,
    required_section.RULE,
    content_after_questions.RULE,
    mixed_apostrophes.RULE,
    question_missing_part.RULE,
    question_numbering.RULE,
    question_group.RULE,
    duplicate_question.RULE,
    label_style.RULE,
    answer_indentation.RULE,
    duplicate_term.RULE,
)

REGISTRY: dict[str, Rule] = {rule.code: rule for rule in _ALL}
BY_SLUG: dict[str, Rule] = {rule.slug: rule for rule in _ALL}

__all__ = ["BY_SLUG", "REGISTRY", "Context", "CorpusEntry", "Rule"]
