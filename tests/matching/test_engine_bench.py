"""bench.matching, the matching benchmark: its options and the figures it prints. No database."""

from bench import matching as bench


def figures(capsys, *argv):
    assert bench.main(list(argv)) == 0
    lines = capsys.readouterr().out.splitlines()
    return dict(line.split(": ", 1) for line in lines)


def test_readiness_threshold_is_applied_and_the_run_says_whether_it_is_optimal(capsys):
    small = ["--mentees", "600", "--mentors", "200", "--capacity", "3"]
    plain = figures(capsys, *small, "--skip-greedy")
    ready = figures(capsys, *small, "--readiness", "3.0")
    assert plain["readiness"] == "0.0"
    assert ready["readiness"] == "3.0"
    assert ready["optimal"] == "True"
    assert plain["optimal"] == "True"
    # A fifth of the mentors (readiness 2.5 to 3) take nobody: fewer places, fewer matched.
    assert float(ready["match_rate"]) < float(plain["match_rate"])
    assert float(ready["greedy_match_rate"]) <= float(ready["match_rate"])


def test_engine_time_is_scoring_plus_solving_and_part_of_the_total(capsys):
    out = figures(capsys, "--mentees", "400", "--mentors", "120", "--skip-greedy")
    engine = float(out["engine_s"])
    # Each figure is rounded to 1 ms on its own.
    assert abs(engine - float(out["scoring_s"]) - float(out["solve_s"])) <= 0.002
    assert float(out["build_s"]) + engine <= float(out["total_s"]) + 0.002
