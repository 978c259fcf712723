"""`flask cutoff publish|list|show`: publish a cut-off from the command line and read it back."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

cutoff_group = AppGroup("cutoff", help="Publish cut-offs (reports whose figures stay as "
                                       "published) and list them.")


def _accord_or_exit(slug: str):
    from .. import queries

    accord = queries.accord_by_slug(slug)
    if accord is None:
        click.echo(f"error: no accord with slug {slug!r}", err=True)
        sys.exit(1)
    return accord


@cutoff_group.command("publish")
@click.argument("slug")
@click.option("--label", required=True, help='The cut-off\'s name, e.g. "Report 3" (unique '
              "per accord; never reused).")
@click.option("--as-of", "as_of", required=True, help="Cut-off date, YYYY-MM-DD: not before "
              "signing, not in the future.")
@click.option("--note", default="", help="A note shown with the cut-off.")
@click.option("--supersedes", default=None, help="Label of an earlier cut-off this one "
              "replaces.")
def publish_command(slug: str, label: str, as_of: str, note: str,
                    supersedes: str | None) -> None:
    """Publish a cut-off of accord SLUG now: its figures as of --as-of, as known at this
    moment, fixed for good (later records show as revisions, never as changes)."""
    from ..services import Invalid
    from .services import publish

    accord = _accord_or_exit(slug)
    from ..domain.text import parse_iso_date

    try:
        day = parse_iso_date(as_of)  # exactly YYYY-MM-DD: no 20191130, no week dates
    except ValueError:
        raise click.BadParameter(f"{as_of!r} is not a date (use YYYY-MM-DD)",
                                 param_hint="--as-of") from None
    try:
        cutoff = publish(accord, label, day, note, supersedes)
    except Invalid as exc:
        for name, reason in exc.errors.items():
            click.echo(f"error: --{name.replace('_', '-')}: {reason}", err=True)
        sys.exit(1)
    click.echo(f"published {accord.slug} cut-off {cutoff.label!r}: figures as of "
               f"{cutoff.as_of.isoformat()} as known at {cutoff.published_at.isoformat()}")


@cutoff_group.command("list")
@click.argument("slug")
def list_command(slug: str) -> None:
    """One line per cut-off of accord SLUG, latest first: label, date, publication time."""
    from .report import cutoff_json
    from .services import cutoffs

    found = cutoffs(_accord_or_exit(slug))
    if not found:
        click.echo("no cut-off published")
    for cutoff in found:
        data = cutoff_json(cutoff)
        extra = f" (superseded by {data['superseded_by']})" if data["superseded_by"] else ""
        click.echo(f"{data['label']}: as of {data['as_of']}, published {data['published_at']}"
                   f" by {cutoff.published_by or '-'}{extra}")


@cutoff_group.command("show")
@click.argument("slug")
@click.argument("label")
def show_command(slug: str, label: str) -> None:
    """Cut-off LABEL of accord SLUG: its date and publication, its figures as published
    (score, shares, priority split, overdue provisions) and whether revisions are known."""
    from .report import Moment, cutoff_json, figures_json, revisions
    from .services import by_label, normal_label

    accord = _accord_or_exit(slug)
    cutoff = by_label(accord, normal_label(label))
    if cutoff is None:
        click.echo(f"error: no cut-off {label!r} for accord {slug!r}", err=True)
        sys.exit(1)
    data = cutoff_json(cutoff)
    s = figures_json(accord, Moment.of(cutoff))["summary"]
    click.echo(f"{data['label']}: as of {data['as_of']}, published {data['published_at']}")
    click.echo(f"provisions {s['provisions']}, score {s['score']}, shares (%) " + ", ".join(
        f"{k} {v}" for k, v in s["shares"].items()))
    click.echo(f"priority score {s['priority']['score']}, "
               f"non-priority score {s['non_priority']['score']}")
    revision = revisions(cutoff)
    click.echo("revised since publication: " + ("yes (see the cut-off's page)"
                                                if revision["revised"] else "no"))
