"""Validates a JUnit XML file against an XSD and reads it with junitparser.

Usage: read_junit.py REPORT.xml SCHEMA.xsd

Prints one JSON document: the totals and each suite and test case as
junitparser (a real consumer) sees them. Exits 1 if the schema check fails.
"""

import json
import sys

import xmlschema
from junitparser import Error, Failure, JUnitXml, Skipped


def main(report_path, schema_path):
    schema = xmlschema.XMLSchema(schema_path)
    errors = [str(e) for e in schema.iter_errors(report_path)]
    if errors:
        print("\n\n".join(errors), file=sys.stderr)
        return 1
    xml = JUnitXml.fromfile(report_path)
    suites, cases = [], []
    for suite in xml:
        suites.append({
            "name": suite.name,
            "tests": suite.tests,
            "failures": suite.failures,
            "errors": suite.errors,
            "skipped": suite.skipped,
        })
        for case in suite:
            outcome = "pass"
            kind = message = text = None
            for result in case.result:
                if isinstance(result, Failure):
                    outcome = "failure"
                elif isinstance(result, Error):
                    outcome = "error"
                elif isinstance(result, Skipped):
                    outcome = "skipped"
                kind, message, text = result.type, result.message, result.text
            cases.append({
                "suite": suite.name,
                "name": case.name,
                "classname": case.classname,
                "time": case.time,
                "outcome": outcome,
                "type": kind,
                "message": message,
                "text": text,
            })
    json.dump({
        "tests": xml.tests,
        "failures": xml.failures,
        "errors": xml.errors,
        "skipped": xml.skipped,
        "suites": suites,
        "cases": cases,
    }, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
