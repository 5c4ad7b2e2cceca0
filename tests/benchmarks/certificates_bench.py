"""Certificates benchmark (numbers for the closing notes of issues 5 and 14).

It compares, in the same run, the pipeline's PDF path (``attendance.services.
certificates_pdf``: the page the certificates share laid out once, each certificate's name,
QR code and code stamped on it) with the simpler one (``config.pdf.render_batch``: one
WeasyPrint pass over every page, cut into one PDF each with pypdf).

1. Pipeline ÷ bare: certificates per second through the whole pipeline (database reads and
   the rules engine, templates, the PDF path, cutting per-participant PDFs, storing files
   with sha256, database writes, the e-mail), with either PDF path, ÷ a bare WeasyPrint
   render of the same HTML (the 30-certificate document in full). The bare render has the
   same warm FontConfiguration and fetcher (the strictest baseline: WeasyPrint alone, tuned
   like the pipeline), and is shown cold too (new FontConfiguration and stylesheet).
   Target >= 0.8.
2. Batch ÷ singles: 30 certificates as one merged PDF plus the 30 per-participant PDFs,
   with either path (and the one pass merged only), ÷ 30 single renders of the same 30
   documents with the same stylesheet, against two yardsticks: 30 naive
   ``HTML(...).write_pdf(stylesheets=[CSS(...)])`` calls (each WeasyPrint start with its own
   FontConfiguration and stylesheet), and 30 renders through the portal's renderer
   (``render_pdf``: warm FontConfiguration, stylesheet parsed once). Target >= 2×.
3. Memory: process RSS after 500 certificates through the pipeline ÷ after 50. Target <= 1.2.

Everything timed is timed in interleaved rounds (medians), so load from other processes
hits the variants alike.

    .venv/bin/python -m tests.benchmarks.certificates_bench
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from tests.benchmarks.common import setup_django

N = 30
REPEAT = 5


def rounds_of(variants: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Each variant once per round, ``repeat`` rounds (after one warm-up round)."""
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for round_number in range(repeat + 1):
        for name, fn in variants.items():
            start = time.perf_counter()
            fn()
            if round_number:
                samples[name].append(time.perf_counter() - start)
    return samples


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

    from attendance.models import Certificate, CertificateRun
    from attendance.services import certificates as service
    from attendance.services.certificates import certificates_generate, plan_certificates
    from config import pdf
    from groups.models import BoardRole
    from tests.attendance.certificates.builders import make_held_course
    from tests.factories.groups import make_group, make_membership, make_user

    assert pdf.harfbuzz_subset_available(), "libharfbuzz-subset0 missing: numbers meaningless"
    group = make_group(area_name="Benkebygd")
    leader = make_user(full_name="Lise Kursleder")
    make_membership(group, leader, board_role=BoardRole.LEADER)
    # --- memory first, in a fresh process: 50 certificates, then on to 500 ----------------
    big = make_held_course(group, leader, present=49, partial=0).course

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

    course = make_held_course(group, leader, present=N - 1, partial=2).course

    def pipeline() -> None:
        run = CertificateRun.objects.create(
            course=course, requested_by=leader, requested_at=timezone.now()
        )
        certificates_generate(run_id=run.pk)

    def one_pass(template: str, slots: str, contexts: Any, *, title: str) -> pdf.Batch:
        return pdf.render_batch(template, contexts, title=title)

    def pipeline_one_pass() -> None:
        """The pipeline with config.pdf.render_batch in place of the stamping."""
        stamped = service.render_certificates
        service.render_certificates = one_pass  # type: ignore[assignment]
        try:
            pipeline()
        finally:
            service.render_certificates = stamped

    pipeline()  # warm: fonts, templates, stylesheet
    issued = Certificate.objects.filter(run__course=course).values("run").distinct().count()
    per_run = Certificate.objects.filter(run=CertificateRun.objects.latest("pk")).count()
    assert per_run == N, per_run

    planned = plan_certificates(course, issued_on=timezone.localdate())
    contexts = [p.context for p in planned]
    template = service.CERTIFICATE_TEMPLATE
    slots = service.CERTIFICATE_SLOTS_TEMPLATE
    bodies = [render_to_string(template, c) for c in contexts]
    html = render_to_string("pdf/document.html", {"bodies": bodies, "title": "Kursbevis"})
    kit = pdf.tools()
    font_config, cache, fetcher, css = kit.font_config, kit.cache, kit.fetcher, kit.css
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

    single_html = [
        render_to_string("pdf/document.html", {"bodies": [b], "title": "Kursbevis"}) for b in bodies
    ]

    def singles_naive() -> None:
        for one in single_html:
            fc = FontConfiguration()  # the stylesheet's @font-face needs it
            sheet = CSS(string=css_text, base_url=pdf.BASE_URL, font_config=fc, url_fetcher=fetcher)
            HTML(string=one, base_url=pdf.BASE_URL, url_fetcher=fetcher).write_pdf(
                stylesheets=[sheet], font_config=fc
            )

    def singles_portal() -> None:
        for context in contexts:
            pdf.render_pdf(template, context)

    first = rounds_of(
        {
            "pipeline stamped": pipeline,
            "pipeline one pass": pipeline_one_pass,
            "bare warm": bare_warm,
            "bare cold": bare_cold,
        },
        REPEAT,
    )
    variants: dict[str, Callable[[], object]] = {
        "stamped merged + cut": lambda: service.render_certificates(
            template, slots, contexts, title="Kursbevis"
        ),
        "one pass merged": lambda: pdf.layout(html).write_pdf(),
        "one pass merged + cut": lambda: pdf.render_batch(template, contexts, title="Kursbevis"),
        "singles naive": singles_naive,
        "singles renderer": singles_portal,
    }
    rounds = rounds_of(variants, REPEAT)
    t = {name: statistics.median(samples) for name, samples in (first | rounds).items()}
    t_bare, t_bare_cold = t["bare warm"], t["bare cold"]

    print(f"certificates per run: {N}; runs before timing: {issued}; median of {REPEAT}")
    for name in ("pipeline stamped", "pipeline one pass"):
        p_time = t[name]
        print(
            f"1. {name:<18} {N / p_time:5.1f} cert/s ({p_time * 1000:.0f} ms per {N}); bare "
            f"WeasyPrint same HTML: warm {N / t_bare:.1f} cert/s, cold {N / t_bare_cold:.1f} cert/s;"
            f" ratio pipeline ÷ bare: warm {t_bare / p_time:.2f}, cold {t_bare_cold / p_time:.2f}"
            "  target >= 0.8"
        )
    naive, portal = t["singles naive"], t["singles renderer"]
    print(
        f"2. {N} certificates, median of {REPEAT} interleaved rounds: {N} naive WeasyPrint "
        f"starts {naive * 1000:.0f} ms, {N} renders through the renderer {portal * 1000:.0f} ms"
    )
    for name in ("stamped merged + cut", "one pass merged", "one pass merged + cut"):
        print(
            f"   {name:<22} {t[name] * 1000:5.0f} ms ({t[name] / N * 1000:4.1f} ms/certificate): "
            f"× {naive / t[name]:.2f} vs naive starts, × {portal / t[name]:.2f} vs renderer "
            "singles"
        )
    print("   target >= 2× (the pipeline's: stamped merged + cut; the simpler one pass + cut)")
    print(
        f"3. RSS after 50 certificates {rss_50:.1f} MiB, after 500 {rss_500:.1f} MiB: "
        f"ratio {rss_500 / rss_50:.3f}  target <= 1.2"
    )


if __name__ == "__main__":
    main()
