"""The CIN Census file against the DfE's XML schema of its year (issue 3: "checked
against the XSD of its year"). The schemas are read from ../shared/reference/thirdparty
(CI has them); Headway does not ship them."""

from __future__ import annotations

from pathlib import Path

import pytest

from headway.synth import generate
from headway.validate import validate_returns
from headway.validate import cin_schema
from headway.validate.findings import ERROR, WARNING

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "thirdparty" / "cin-xsd"
needs_schemas = pytest.mark.skipif(not (SCHEMAS / "CIN_schema_2025.xsd").is_file(),
                                   reason=f"the DfE's CIN Census schemas are not at {SCHEMAS}")


@pytest.fixture(scope="module")
def authority(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("authority")
    generate(out, children=3_000, years=3, seed=11)
    return out


def schema_findings(result):
    return [f for f in result.findings if f.checked_by == cin_schema.CHECKED_BY]


@needs_schemas
def test_the_synthetic_cin_files_match_the_schema_of_their_year(authority):
    result = validate_returns([authority / "cin"], dfe=False, cin_xsd=SCHEMAS)
    assert len(list((authority / "cin").glob("*.xml"))) == 3
    assert schema_findings(result) == []


@needs_schemas
def test_a_value_outside_the_schema_is_an_error_naming_file_line_and_element_but_not_the_value(authority, tmp_path):
    """"true" reads as a boolean, but the schema allows only 0 and 1."""
    source = sorted((authority / "cin").glob("*.xml"))[-1]
    text = source.read_text(encoding="utf-8")
    assert "<ReferralNFA>0</ReferralNFA>" in text
    bad = tmp_path / source.name
    bad.write_text(text.replace("<ReferralNFA>0</ReferralNFA>", "<ReferralNFA>true</ReferralNFA>", 1), encoding="utf-8")
    expected_line = text[:text.index("<ReferralNFA>0</ReferralNFA>")].count("\n") + 1

    [finding] = schema_findings(validate_returns([bad], dfe=False, cin_xsd=SCHEMAS))
    assert (finding.severity, finding.rule, finding.column, finding.line) == (ERROR, "XSD", "ReferralNFA", expected_line)
    assert finding.file.endswith(source.name)
    assert "CIN_schema_" in finding.message and "true" not in finding.message


@needs_schemas
def test_each_year_is_checked_against_its_own_schema(authority, tmp_path):
    """Sex replaced GenderCurrent in 2024/25: a 2025/26 file written with GenderCurrent
    fails its own year's schema."""
    source = next(p for p in (authority / "cin").glob("*.xml") if "<Year>2026</Year>" in p.read_text()[:2000])
    text = source.read_text(encoding="utf-8")
    assert "<Sex>" in text
    old_style = tmp_path / source.name
    old_style.write_text(text.replace("<Sex>", "<GenderCurrent>").replace("</Sex>", "</GenderCurrent>"),
                         encoding="utf-8")
    [finding] = schema_findings(validate_returns([old_style], dfe=False, cin_xsd=SCHEMAS))
    assert finding.severity == ERROR and "CIN_schema_2026.xsd" in finding.message
    assert finding.column == "GenderCurrent"


def test_without_schemas_validate_says_the_schema_was_not_checked(authority, monkeypatch):
    monkeypatch.delenv(cin_schema.ENVIRONMENT, raising=False)
    findings = schema_findings(validate_returns([authority / "cin"], dfe=False))
    assert len(findings) == 3
    assert all(f.severity == WARNING and "not checked" in f.message for f in findings)


def test_a_missing_year_s_schema_is_named(authority, tmp_path):
    findings = schema_findings(validate_returns([authority / "cin"], dfe=False, cin_xsd=tmp_path))
    assert {f.severity for f in findings} == {WARNING}
    assert any("no CIN_schema_2026.xsd" in f.message for f in findings)
