"""Runs the DfE's validation rules inside the validators' own environment.

This file is not imported by Headway: `dfe.py` runs it with the Python of the
validator environment (.venv-validators), where csc-validator-be-903 and
csc-validator-be-cin are installed with the pandas<2 and numpy<1.25 they pin.
It must stay importable on that Python alone (standard library, pandas and the
two validators; nothing from headway).

Protocol: one JSON request on stdin, one JSON answer on stdout.

    request  {"jobs": [{"id": "...", "kind": "903", "year": 2026, "la": "E09000027" | null,
                        "this_year": [{"name": "...", "table": "Episodes", "csv_base64": "..."}],
                        "prev_year": [...]},
                       {"id": "...", "kind": "cin", "year": 2026, "path": "/abs/file.xml"}]}
    answer   {"versions": {...}, "jobs": [{"id": "...", "ruleset": "lac2025_26", "rules": 316,
                        "skipped": [codes], "not_run": [{"rule", "message", "reason"}],
                        "failed": [{"rule", "message", "error"}], "error": null | "...",
                        "issues": [{"table", "row", "child", "rule", "message", "type", "fields"}]}]}

`row` is the 0-based position in the table the validator read (a 903 CSV's data
rows; for the CIN, the validator's own flattened table, so `child` locates it).
`child` is the child's ID as written in the file: the answer travels over a pipe
and Headway never writes it to a report. `type` is "error" or "query" (the CIN
rules say which; the 903 package does not, so every 903 rule is an error).

Failures are kept apart so one bad rule never hides the others: a rule that
raises is listed under "failed" with the exception's type name only (an exception
message can quote a value from the file), and a job that cannot start at all (an
unreadable file) gets "error".
"""

import base64
import contextlib
import dataclasses
import importlib
import inspect
import io
import json
import logging
import sys
import warnings
import xml.etree.ElementTree as ET
from importlib import metadata


def main():
    request = json.load(sys.stdin)
    quiet_validators()
    answer = {"versions": versions(), "jobs": []}
    for job in request["jobs"]:
        progress(f"DfE rules: {job['kind'].upper()} {job['year'] - 1}/{job['year'] % 100:02d} ...")
        answer["jobs"].append(run_job(job))
    json.dump(answer, sys.stdout)


def quiet_validators():
    """Both packages log or print every rule; the answer is the JSON alone."""
    warnings.filterwarnings("ignore")
    logging.disable(logging.CRITICAL)


def progress(text):
    print(text, file=sys.stderr, flush=True)


def versions():
    names = ("csc-validator-be-903", "csc-validator-be-cin", "pandas", "numpy")
    return {name: metadata.version(name) for name in names}


def run_job(job):
    result = {"id": job["id"], "ruleset": None, "rules": 0, "skipped": [], "not_run": [],
              "failed": [], "issues": [], "error": None}
    try:
        # The validators print to stdout (CIN: "Error with rule ..."): keep it off the answer.
        with contextlib.redirect_stdout(io.StringIO()):
            if job["kind"] == "903":
                run_903(job, result)
            else:
                run_cin(job, result)
    except Exception as exc:  # the whole job could not start; say why without quoting data
        result["error"] = describe(exc)
    return result


def describe(exc):
    """The exception's type, and its message only for the validators' own upload
    errors, which describe the file (columns, encodings), never a value in it."""
    name = type(exc).__name__
    if name == "UploadError":
        return f"{name}: {exc}"
    return name


# ---------------------------------------------------------------- failures per rule

class FailureLog:
    """Wraps each rule's function so an exception is recorded before the
    validator's own handler swallows it."""

    def __init__(self, result):
        self.result = result

    def wrap(self, registry):
        return {code: dataclasses.replace(rule, func=self._recording(rule)) for code, rule in registry.items()}

    def _recording(self, rule):
        func = rule.func

        def run(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                self.result["failed"].append(
                    {"rule": str(rule.code), "message": rule.message, "error": type(exc).__name__})
                raise
        return run


# ---------------------------------------------------------------- SSDA903

def run_903(job, result):
    from lac_validator import lac_validator
    from lac_validator.rules.ruleset_utils import get_year_ruleset

    year = str(job["year"])
    result["ruleset"] = f"lac{job['year'] - 1}_{year[2:]}"
    registry = get_year_ruleset(year)
    if not job.get("la"):
        registry = without_la_rules(registry, result)
    result["rules"] = len(registry)
    files = uploaded(job["this_year"], "This year") + uploaded(job.get("prev_year", []), "Prev year")
    validator = lac_validator.LacValidator(
        metadata={"collectionYear": year, "localAuthority": job.get("la") or ""},
        files=files, registry=FailureLog(result).wrap(registry))
    result["skipped"] = [str(code) for code in validator.skips]
    result["issues"] = issues_903(validator.ds_results, registry)


def without_la_rules(registry, result):
    """Rules that compare a placement with the council's own area need its ONS code;
    without it they would flag every placement, so they are listed as not run."""
    kept = {}
    for code, rule in registry.items():
        if "localAuthority" in inspect.getsource(rule.func):
            result["not_run"].append({"rule": str(code), "message": rule.message,
                                      "reason": "needs the council's ONS code (--la)"})
        else:
            kept[code] = rule
    return kept


def uploaded(files, description):
    return [{"name": f["name"], "description": description,
             "file_content": base64.b64decode(f["csv_base64"])} for f in files]


def issues_903(tables, registry):
    """One issue per row flagged by a rule: the ERR_<code> columns the validator added."""
    issues = []
    for table, frame in tables.items():
        if table == "metadata":
            continue
        for column in [c for c in frame.columns if str(c).startswith("ERR_")]:
            code = column[4:]
            rule = registry.get(code)
            flagged = frame.index[frame[column].fillna(False).astype(bool)]
            for row in flagged:
                child = frame.at[row, "CHILD"] if "CHILD" in frame.columns else None
                issues.append({"table": table, "row": int(row), "child": text_or_none(child),
                               "rule": code, "message": rule.message if rule else "",
                               "type": "error", "fields": list(rule.affected_fields or []) if rule else []})
    return issues


def text_or_none(value):
    import pandas as pd
    return None if value is None or pd.isna(value) else str(value)


# ---------------------------------------------------------------- CIN Census

def run_cin(job, result):
    from cin_validator import cin_validator

    ruleset = f"cin{job['year'] - 1}_{job['year'] % 100:02d}"
    result["ruleset"] = ruleset
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    result["rules"] = len(registry)
    root = ET.parse(job["path"]).getroot()
    tables = cin_validator.process_data(convert_cin(root))
    validator = cin_validator.CinValidator(tables, FailureLog(result).wrap(registry))
    result["issues"] = issues_cin(validator, registry)


def convert_cin(root):
    """cin_validator.convert_data, in linear time.

    The package's XMLtoCSV grows each table with pd.concat once per element, which
    is quadratic: 33 s for 1,478 children here, hours for a large council. This
    runs the same class, with the same code, but each table keeps its one-row
    frames in a list and concatenates them once at the end; the DataFrames it
    gives are identical (test_validate checks
    them against convert_data's, values and dtypes)."""
    import pandas as pd
    from cin_validator import ingress

    tables = [name for name, value in vars(ingress.XMLtoCSV).items() if isinstance(value, pd.DataFrame)]

    class Rows:
        def __init__(self, template):
            self.template, self.columns, self.frames = template, template.columns, []

        def frame(self):
            return pd.concat([self.template, *self.frames], ignore_index=True) if self.frames else self.template

    class Collecting(ingress.XMLtoCSV):
        def __init__(self, root):
            for name in tables:
                setattr(self, name, Rows(getattr(ingress.XMLtoCSV, name)))
            super().__init__(root)
            for name in tables:
                if isinstance(getattr(self, name), Rows):
                    setattr(self, name, getattr(self, name).frame())

    class PandasCollecting:
        """pandas, except that concat onto a Rows appends to it."""
        def __getattr__(self, name):
            return getattr(pd, name)

        @staticmethod
        def concat(frames, **options):
            first, *rest = frames
            if not isinstance(first, Rows):
                return pd.concat(frames, **options)
            first.frames.extend(rest)
            return first

    real = ingress.pd
    ingress.pd = PandasCollecting()
    try:
        converted = Collecting(root)
    finally:
        ingress.pd = real
    return {name: getattr(converted, name) for name in (
        "Header", "ChildIdentifiers", "ChildCharacteristics", "ChildProtectionPlans", "CINdetails",
        "CINplanDates", "Reviews", "Section47", "Assessments", "AssessmentFactorsList", "Disabilities")}


def issues_cin(validator, registry):
    """Child-level issues (one per rule, child and table row, whatever the number of
    columns it names) and return-level ones (no child)."""
    merged = {}
    for record in validator.full_issue_df.to_dict("records"):
        code = str(record["rule_code"])
        key = (code, text_or_none(record.get("child_id")), record.get("tables_affected"), record.get("row_id"))
        issue = merged.setdefault(key, cin_issue(registry, code, record.get("tables_affected"),
                                                 record.get("row_id"), key[1]))
        column = text_or_none(record.get("columns_affected"))
        if column and column not in issue["fields"]:
            issue["fields"].append(column)
    for record in validator.multichild_issues.drop_duplicates("rule_code").to_dict("records"):
        code = str(record["rule_code"])
        merged[(code, None, None, None)] = cin_issue(registry, code, None, None, None)
    return list(merged.values())


def cin_issue(registry, code, table, row, child):
    rule = registry.get(code)
    kind = "query" if rule is not None and rule.rule_type.value == "Query" else "error"
    return {"table": text_or_none(table), "row": None if row is None or row != row else int(row),
            "child": child, "rule": code, "message": rule.message if rule else "", "type": kind, "fields": []}


if __name__ == "__main__":
    main()
