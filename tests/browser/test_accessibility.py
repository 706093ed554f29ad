"""axe-core (WCAG 2.0/2.1 A and AA) on every public page, in Swedish, plus English and Arabic.

The CSP forbids inline scripts, so axe is injected as an init script (through the
DevTools protocol, which the page's CSP does not govern), not as a <script> tag.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from fristad.directory.pages import INFO_PAGES
from tests.conftest import SAMPLE_JOURER

pytestmark = pytest.mark.browser

AXE_RUN = """() => axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
  resultTypes: ['violations']
})"""

PAGES: list[tuple[str, int]] = [
    ("/", 200),
    ("/sok/?q=11520", 200),
    ("/sok/?q=Qwertyville", 200),
    ("/sok/?q=1234", 200),
    ("/jourer/", 200),
    (f"/jour/{SAMPLE_JOURER[1]['slug']}/", 200),
    *[(f"/info/{p.slug}/", 200) for p in INFO_PAGES],
    ("/finns-inte-har/", 404),
    ("/en/", 200),
    ("/ar/", 200),
    ("/ar/info/din-sakerhet/", 200),
]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'], ensure_ascii=False)}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


@pytest.fixture
def axe_page(new_context: Any, axe_source: str) -> Any:
    context = new_context()
    context.add_init_script(script=axe_source)
    return context.new_page()


def axe_param(path: str, status: int) -> Any:
    return pytest.param(path, status, id=path)


@pytest.mark.parametrize(("path", "status"), [axe_param(p, s) for p, s in PAGES])
def test_axe_no_violations(site: str, axe_page: Any, path: str, status: int) -> None:
    response = axe_page.goto(f"{site}{path}")
    assert response is not None
    assert response.status == status, f"{path}: {response.status}"
    axe_page.wait_for_load_state("load")
    assert axe_page.evaluate("typeof axe") == "object", "axe-core was not injected"
    result = axe_page.evaluate(AXE_RUN)
    violations = result["violations"]
    assert not violations, f"{path}: {len(violations)} axe violation(s)\n{describe(violations)}"
