"""The long dashboard can be moved around in: a table of contents for its sections, and
links from the headline figures to their charts and tables, every one landing on the page."""
from __future__ import annotations

import re


def test_every_in_page_link_lands_on_an_element(client, demo):
    page = client.get(f"/accords/{demo.slug}/dashboard").text
    targets = set(re.findall(r'href="#([^"]+)"', page))
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    assert {"headline", "priority", "status", "groups", "tags", "comparison", "pace",
            "overdue", "chart-priority", "table-priority", "chart-status", "table-status",
            "chart-groups", "table-groups", "chart-curve", "table-curve"} <= targets
    assert targets <= ids, targets - ids
    assert 'class="toc"' in page
