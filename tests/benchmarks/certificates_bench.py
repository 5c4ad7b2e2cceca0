"""Certificates benchmark (numbers for the closing note of issue 5).

1. Pipeline ÷ bare: certificates per second through the whole pipeline (database reads and
   the rules engine, templates, one WeasyPrint pass, cutting per-participant PDFs, storing
   files with sha256, database writes, the e-mail) ÷ a bare WeasyPrint render of the same
   HTML (the 30-certificate document the pipeline renders). The bare render is given the
   same warm FontConfiguration and fetcher; shown also with the renderer's pause of the
   garbage collector (the strictest baseline: WeasyPrint alone, tuned like the pipeline)
   and cold (new FontConfiguration and stylesheet per render). Target >= 0.8.
2. Batch ÷ singles: 30 certificates as one merged PDF in one pass (``render_many``; and
   ``render_batch``, which also cuts the 30 single PDFs) ÷ 30 single renders, once through
   the portal's renderer (warm font configuration) and once as 30 bare WeasyPrint starts
   (each with its own FontConfiguration). Target >= 2×.
3. Memory: process RSS after 500 certificates through the pipeline ÷ after 50. Target <= 1.2.

    .venv/bin/python -m tests.benchmarks.certificates_bench
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable

from tests.benchmarks.common import setup_django

N = 30
REPEAT = 5


def timed(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def rss_mib() -> float:
    gc.collect()
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main() -> None:
    os.environ["EMAIL_URL"] = "locmem://"
    setup_django()
    from django.template.loader import render_to_string
    from django.utils import timezone
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from attendance.certificates import certificates_generate, plan_certificates
    from attendance.models import Certificate, CertificateRun
    from config import pdf
    from groups.models import BoardRole
    from tests.certificates.builders import make_course
    from tests.factories.groups import make_group, make_membership, make_user

    assert pdf.harfbuzz_subset_available(), "libharfbuzz-subset0 missing: numbers meaningless"
    group = make_group(area_name="Benkebygd")
    leader = make_user(full_name="Lise Kursleder")
    make_membership(group, leader, board_role=BoardRole.LEADER)
    # --- memory first, in a fresh process: 50 certificates, then on to 500 ----------------
    big = make_course(group, leader, present=49, partial=0).course

    def run_big() -> None:
        run = CertificateRun.objects.create(
            course=big, requested_by=leader, requested_at=timezone.now()
        )
        certificates_generate(run_id=run.pk)

    run_big()
    rss_50 = rss_mib()
    for _ in range(9):
        run_big()
    rss_500 = rss_mib()
    total_big = Certificate.objects.filter(course=big).count()
    assert total_big == 500, total_big

    course = make_course(group, leader, present=N - 1, partial=2).course

    def pipeline() -> None:
        run = CertificateRun.objects.create(
            course=course, requested_by=leader, requested_at=timezone.now()
        )
        certificates_generate(run_id=run.pk)

    pipeline()  # warm: fonts, templates, stylesheet
    issued = Certificate.objects.filter(run__course=course).values("run").distinct().count()
    per_run = Certificate.objects.filter(run=CertificateRun.objects.latest("pk")).count()
    assert per_run == N, per_run
    t_pipeline = timed(pipeline)

    planned = plan_certificates(course, issued_on=timezone.localdate())
    contexts = [p.context for p in planned]
    bodies = [render_to_string("attendance/pdf/certificate.html", c) for c in contexts]
    html = render_to_string("pdf/document.html", {"bodies": bodies, "title": "Kursbevis"})
    font_config, cache, fetcher, css = pdf._tools()
    css_text = render_to_string("pdf/base.css")

    def bare_warm() -> None:
        HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=fetcher).write_pdf(
            stylesheets=[css], font_config=font_config, cache=cache
        )

    def bare_cold() -> None:
        fc = FontConfiguration()
        sheet = CSS(string=css_text, base_url=pdf.BASE_URL, font_config=fc, url_fetcher=fetcher)
        HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=fetcher).write_pdf(
            stylesheets=[sheet], font_config=fc
        )

    def bare_warm_paused() -> None:
        with pdf._collector_paused():
            bare_warm()

    t_bare = timed(bare_warm)
    t_bare_paused = timed(bare_warm_paused)
    t_bare_cold = timed(bare_cold)
    template = "attendance/pdf/certificate.html"

    def singles_portal() -> None:
        for context in contexts:
            pdf.render_pdf(template, context)

    single_html = [
        render_to_string("pdf/document.html", {"bodies": [b], "title": "Kursbevis"}) for b in bodies
    ]

    def singles_bare() -> None:
        for one in single_html:
            fc = FontConfiguration()
            sheet = CSS(string=css_text, base_url=pdf.BASE_URL, font_config=fc, url_fetcher=fetcher)
            HTML(string=one, base_url=pdf.BASE_URL, url_fetcher=fetcher).write_pdf(
                stylesheets=[sheet], font_config=fc
            )

    t_many = timed(lambda: pdf.render_many(template, contexts))
    t_batch = timed(lambda: pdf.render_batch(template, contexts))
    t_singles = timed(singles_portal, 3)
    t_singles_bare = timed(singles_bare, 3)

    print(f"certificates per run: {N}; runs before timing: {issued}; median of {REPEAT}")
    print(
        f"1. pipeline {N / t_pipeline:7.1f} cert/s ({t_pipeline * 1000:.0f} ms per {N}); "
        f"bare WeasyPrint same HTML: warm {N / t_bare:.1f} cert/s, warm with the "
        f"renderer's GC pause {N / t_bare_paused:.1f} cert/s, cold {N / t_bare_cold:.1f} "
        f"cert/s\n   ratio pipeline ÷ bare: warm {t_bare / t_pipeline:.2f}, warm + GC pause "
        f"{t_bare_paused / t_pipeline:.2f}, cold {t_bare_cold / t_pipeline:.2f}  target >= 0.8"
    )
    print(
        f"2. {N} singles via renderer {t_singles * 1000:.0f} ms, {N} bare WeasyPrint starts "
        f"{t_singles_bare * 1000:.0f} ms; render_many {t_many * 1000:.0f} ms, render_batch "
        f"(merged + {N} cut) {t_batch * 1000:.0f} ms\n"
        f"   batch speed-up: render_many vs renderer singles {t_singles / t_many:.2f}×, vs bare "
        f"starts {t_singles_bare / t_many:.2f}×; render_batch vs renderer singles "
        f"{t_singles / t_batch:.2f}×, vs bare starts {t_singles_bare / t_batch:.2f}×  "
        "target >= 2×"
    )
    print(
        f"3. RSS after 50 certificates {rss_50:.1f} MiB, after 500 {rss_500:.1f} MiB: "
        f"ratio {rss_500 / rss_50:.3f}  target <= 1.2"
    )


if __name__ == "__main__":
    main()
