"""The reader's language for what pages, charts and workbooks show, one module per concept:
`vocabulary` (the domain's fixed vocabularies: levels, review states, time frames, kinds,
roles, the PAM provision types), `reasons` (reasons given as `Message`s), `countries`
(country names), `bilingual` (accord content held in two languages, `domain.bilingual`),
`audit` (the audit trail) and `formatting` (dates, moments and figures in the reader's
format). Every name but the formatters is reachable here as `i18n.X`; the formatters are
template filters, reached through `web` or `i18n.formatting`."""
from .audit import (AUDIT_ACTIONS, AUDIT_FIELDS, AUDIT_OBJECTS, audit_action, audit_field,
                    audit_object, audit_value)
from .bilingual import (CONTENT_FIELDS, LANGUAGE_NAMES, LANGUAGE_ONLY, content, content_html,
                        event_option, language_badge, language_marker, local, marked_text,
                        point_title, point_title_html, section_option, section_options,
                        section_title, shown_html, shown_texts, source_shown, type_option,
                        typing_language)
from .countries import COUNTRY_ALIASES, country_code, country_name
from .reasons import IMPORTED_PRIORITY_REASON, priority_reason, stored_reason, translate
from .vocabulary import (KINDS, LEVEL_LABELS, ORIGIN_LABELS, REVIEW_STATES, ROLE_NAMES,
                         SOURCE_FORMATS, STORED_WORDS, SUMMARY_GROUPS, TAGS, TIME_FRAMES,
                         accord_kind, known_tag_names, known_tags_text, level_label, level_labels,
                         provision_type_names, provision_type_text, review_state, role_name,
                         source_format, source_state, stored_word, summary_group, tag_label,
                         tag_list, time_frame, upload_state, yes_no)

__all__ = ["IMPORTED_PRIORITY_REASON", "priority_reason", "AUDIT_ACTIONS", "AUDIT_FIELDS", "AUDIT_OBJECTS", "CONTENT_FIELDS", "COUNTRY_ALIASES",
           "KINDS", "LANGUAGE_NAMES", "LANGUAGE_ONLY", "LEVEL_LABELS", "ORIGIN_LABELS",
           "REVIEW_STATES", "ROLE_NAMES", "SOURCE_FORMATS", "STORED_WORDS", "SUMMARY_GROUPS",
           "TAGS", "TIME_FRAMES", "accord_kind", "audit_action", "audit_field", "audit_object",
           "audit_value", "content", "content_html", "country_code", "country_name",
           "event_option", "known_tag_names", "known_tags_text", "language_badge",
           "language_marker", "level_label", "level_labels", "local", "marked_text", "point_title",
           "point_title_html", "provision_type_names", "provision_type_text", "review_state",
           "role_name", "section_option", "section_options", "section_title", "shown_html",
           "shown_texts", "source_format", "source_shown", "source_state", "stored_reason",
           "stored_word", "summary_group", "tag_label", "tag_list", "time_frame", "translate",
           "type_option", "typing_language", "upload_state", "yes_no"]
