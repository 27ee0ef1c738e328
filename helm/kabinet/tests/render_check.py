"""Renders the Kabinet chart with the real Helm template engine for several value sets and checks the result.

No `helm` binary is needed: the engine is Helm's own Go library inside the `helm-sdkpy` wheel (Python 3.12+).
Its `lint` action renders every template; in lint mode a `fail` is only logged, so a throw-away template that
`fail`s with the `tpl` of each template's text hands the rendered manifests back through the log. Every
object is then validated against the Kubernetes OpenAPI schemas of 1.25 and 1.37 (`kubernetes-validate`,
strict: unknown fields fail) and cross-checked (selectors, Secret/ConfigMap/claim/Service references, hooks).

    python3.12 -m venv /tmp/helmvenv
    /tmp/helmvenv/bin/pip install helm-sdkpy kubernetes-validate pyyaml
    /tmp/helmvenv/bin/python helm/kabinet/tests/render_check.py
"""

import ast
import copy
import json
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import kubernetes_validate as kv
import yaml

CHART = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent


def deep_merge(base, over):
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


LINT = r'''
import asyncio, json, sys
import helm_sdkpy as h
cfg = h.Configuration(namespace="prod")
r = asyncio.run(h.Lint(cfg).run(sys.argv[1]))
print(json.dumps(r))
'''


def lint(chart_dir: Path):
    proc = subprocess.run([sys.executable, "-c", LINT, str(chart_dir)], capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(proc.stderr)
    return json.loads(proc.stdout), proc.stderr


def render(values: dict):
    """Lint a copy of the chart with these values; returns (lint problems, {template file: rendered text}).

    Lint reports errors only as a severity and a path; `fail` and missing `required` values are logged,
    and come back as problems with their message."""
    with tempfile.TemporaryDirectory() as tmp:
        chart = Path(tmp) / "kabinet"
        shutil.copytree(CHART, chart, ignore=shutil.ignore_patterns("tests"))
        (chart / "values.yaml").write_text(yaml.safe_dump(values))
        result, _ = lint(chart)
        problems = [m for m in result["Messages"] if m["Severity"] > 1]
        dump = chart / "dump"
        dump.mkdir()
        calls = []
        for path in sorted((chart / "templates").iterdir()):
            if path.name.startswith("_"):
                continue
            shutil.copy(path, dump / path.name)
            calls.append(
                '{{ fail (printf "<<<DUMP %s\\n%s\\nDUMP>>>" "' + path.name + '" (tpl (.Files.Get "dump/'
                + path.name + '") .)) }}'
            )
        (chart / "templates" / "zzz-dump.yaml").write_text("\n".join(calls) + "\n")
        _, stderr = lint(chart)
    rendered, messages = {}, set()
    for line in stderr.splitlines():
        m = re.search(r'message=("(?:[^"\\]|\\.)*")', line)
        if not m:
            continue
        text = ast.literal_eval(m.group(1))
        m2 = re.match(r"<<<DUMP (\S+)\n(.*)\nDUMP>>>$", text, re.S)
        if m2:
            rendered[m2.group(1)] = m2.group(2)
        else:
            messages.add(text)  # a `fail` or a missing `required` value, which only warn in lint mode
    return problems + sorted(messages), rendered


BASE = {
    "platformDomain": "kabinet.example.com",
    "secrets": {"secretKey": "s3cret", "databaseUrl": "postgres://u:p@db:5432/kabinet",
                "redisUrl": "redis://redis:6379/0"},
}
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


def docs_of(rendered):
    docs = []
    for name, text in rendered.items():
        if name == "NOTES.txt":
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                docs.append((name, doc))
    return docs


def by_kind(docs, kind):
    return {d["metadata"]["name"]: d for _, d in docs if d["kind"] == kind}


def pod_containers(doc):
    return doc["spec"]["template"]["spec"]["containers"]


def generic_checks(scenario, docs, values):
    existing = values["secrets"].get("existingSecret")
    cms, secrets = by_kind(docs, "ConfigMap"), by_kind(docs, "Secret")
    pvcs = by_kind(docs, "PersistentVolumeClaim")
    for tmpl, d in docs:
        where = f"[{scenario}] {tmpl} {d['kind']}/{d['metadata']['name']}"
        for version in ("1.25.0", "1.37.0"):
            try:
                kv.validate(d, version, strict=True)
            except kv.ValidationError as e:
                check(False, f"{where}: schema {version}: {e.message} at {list(e.path)}")
        name = d["metadata"]["name"]
        check(len(name) <= 63 and DNS1123_LABEL.match(name), f"{where}: bad name {name!r}")
        labels = d["metadata"].get("labels", {})
        check(labels.get("app.kubernetes.io/instance") and labels.get("helm.sh/chart"), f"{where}: labels")
        for v in labels.values():
            check(len(str(v)) <= 63, f"{where}: label value too long {v!r}")
        if d["kind"] in ("Deployment", "Job"):
            pod = d["spec"]["template"]
            if d["kind"] == "Deployment":
                sel = d["spec"]["selector"]["matchLabels"]
                check(all(pod["metadata"]["labels"].get(k) == v for k, v in sel.items()),
                      f"{where}: selector does not match pod labels")
            spec = pod["spec"]
            check(spec["securityContext"].get("runAsNonRoot") is True, f"{where}: runAsNonRoot")
            vols = {v["name"]: v for v in spec.get("volumes", [])}
            for c in spec["containers"]:
                check(c.get("resources", {}).get("requests") and c["resources"].get("limits"),
                      f"{where}: resources")
                check(c["securityContext"].get("readOnlyRootFilesystem") is True, f"{where}: read-only fs")
                for m in c.get("volumeMounts", []):
                    check(m["name"] in vols, f"{where}: mount {m['name']} without volume")
                    if m["name"] == "media":
                        claim = vols["media"]["persistentVolumeClaim"]["claimName"]
                        check(claim in pvcs or claim == values["persistence"]["media"]["existingClaim"],
                              f"{where}: claim {claim} missing")
                for ef in c.get("envFrom", []):
                    if "configMapRef" in ef:
                        check(ef["configMapRef"]["name"] in cms, f"{where}: configmap {ef} missing")
                    if "secretRef" in ef:
                        ref = ef["secretRef"]["name"]
                        check(ref in secrets or ref == existing or
                              ref in [x.get("secretRef", {}).get("name") for x in values["extraEnvFrom"]],
                              f"{where}: secret {ref} missing")
                ports = {p["name"] for p in c.get("ports", [])}
                for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                    if "httpGet" in c.get(probe, {}):
                        check(c[probe]["httpGet"]["port"] in ports, f"{where}: {probe} port")
    services = by_kind(docs, "Service")
    deployments = by_kind(docs, "Deployment")
    for d in services.values():
        sel = d["spec"]["selector"]
        targets = [x for x in deployments.values()
                   if all(x["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in sel.items())]
        check(len(targets) == 1 and targets[0]["metadata"]["name"].endswith("-web"), f"[{scenario}] service selector")
    for ing in by_kind(docs, "Ingress").values():
        for rule in ing["spec"]["rules"]:
            for p in rule["http"]["paths"]:
                svc = p["backend"]["service"]
                check(svc["name"] in services and svc["port"]["name"] in
                      [x["name"] for x in services[svc["name"]]["spec"]["ports"]], f"[{scenario}] ingress backend")
    for hpa in by_kind(docs, "HorizontalPodAutoscaler").values():
        target = hpa["spec"]["scaleTargetRef"]["name"]
        check(target in deployments, f"[{scenario}] hpa target {target}")
        check("replicas" not in deployments.get(target, {}).get("spec", {}), f"[{scenario}] replicas with HPA")
    for pdb in by_kind(docs, "PodDisruptionBudget").values():
        sel = pdb["spec"]["selector"]["matchLabels"]
        check(sel.get("app.kubernetes.io/component") == "web", f"[{scenario}] pdb selector")


def run(scenario, overrides, expect, expected_errors=()):
    """Render with the chart's values.yaml + BASE + overrides; then either the expected errors or the checks."""
    values = deep_merge(deep_merge(yaml.safe_load((CHART / "values.yaml").read_text()), BASE), overrides)
    problems, rendered = render(values)
    if expected_errors:
        for err in expected_errors:
            check(any(err in str(p) for p in problems), f"[{scenario}] expected error {err!r} not in {problems}")
        print(f"{scenario}: failed as expected: {problems}")
        return
    check(not problems, f"[{scenario}] lint problems: {problems}")
    docs = docs_of(rendered)
    generic_checks(scenario, docs, values)
    kinds = sorted(f"{d['kind']}/{d['metadata']['name']}" for _, d in docs)
    expect(scenario, {f"{d['kind']}/{d['metadata']['name']}": d for _, d in docs}, rendered)
    print(f"{scenario}: {len(docs)} objects: {', '.join(kinds)}")


def env_of(container):
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def expect_default(s, objs, rendered):
    f = "test-release-kabinet"
    web, worker, beat = (objs[f"Deployment/{f}-{c}"] for c in ("web", "worker", "beat"))
    c = pod_containers(web)[0]
    check(c["command"] == ["python", "-m", "uvicorn"] and c["args"][0] == "cabinet.asgi:application",
          f"[{s}] web command {c['command']} {c['args']}")
    a = c["args"]
    check(a[a.index("--port") + 1] == "8000" and a[a.index("--workers") + 1] == "2", f"[{s}] web port, workers {a}")
    check("--proxy-headers" in a and a[a.index("--forwarded-allow-ips") + 1] == "*", f"[{s}] proxy headers {a}")
    check(env_of(c)["WEB_CONCURRENCY"] == "2" and env_of(c)["DATABASE_POOL"] == "1"
          and env_of(c)["DATABASE_POOL_SIZE"] == "10", f"[{s}] web env {env_of(c)}")
    check(c["livenessProbe"]["httpGet"]["path"] == "/livez", f"[{s}] livenessProbe")
    for probe in ("readinessProbe", "startupProbe"):
        check(c[probe]["httpGet"]["path"] == "/readyz", f"[{s}] {probe}")
    check(c["workingDir"] == "/app", f"[{s}] workdir")
    check(pod_containers(worker)[0]["command"][0] == "celery" and
          pod_containers(worker)[0]["args"][:3] == ["-A", "cabinet", "worker"], f"[{s}] worker cmd")
    bc = pod_containers(beat)[0]
    check(bc["args"][:3] == ["-A", "cabinet", "beat"] and "-s" in bc["args"] and
          bc["args"][bc["args"].index("-s") + 1] == "/tmp/celerybeat-schedule", f"[{s}] beat cmd")
    check(beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"]["type"] == "Recreate", f"[{s}] beat 1")
    check("replicas" not in web["spec"] and worker["spec"]["replicas"] == 2, f"[{s}] replicas")
    job = objs[f"Job/{f}-migrations"]
    check(job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade", f"[{s}] hook")
    jc = pod_containers(job)[0]
    check(jc["command"] + jc["args"] == ["python", "manage.py", "setup_platform"], f"[{s}] job cmd")
    check(jc["envFrom"][0]["secretRef"]["name"] == f"{f}-migrations", f"[{s}] job secret")
    hook_secret = objs[f"Secret/{f}-migrations"]
    check(int(hook_secret["metadata"]["annotations"]["helm.sh/hook-weight"]) <
          int(job["metadata"]["annotations"]["helm.sh/hook-weight"]), f"[{s}] hook order")
    check(hook_secret["stringData"] == objs[f"Secret/{f}"]["stringData"], f"[{s}] hook secret == secret")
    cm = objs[f"ConfigMap/{f}"]["data"]
    check(env_of(jc) == cm, f"[{s}] job env == configmap")
    for k, v in {"PLATFORM_DOMAIN": "kabinet.example.com", "PLATFORM_URL_SCHEME": "https", "SECURE_COOKIES": "1",
                 "HTTPS_ONLY": "1", "TENANT_SPARE_SCHEMAS": "3", "LOG_LEVEL": "INFO"}.items():
        check(cm.get(k) == v, f"[{s}] configmap {k}={cm.get(k)}")
    sec = objs[f"Secret/{f}"]["stringData"]
    check(set(sec) == {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PLATFORM_ADMIN_EMAIL",
                       "PLATFORM_ADMIN_PASSWORD"}, f"[{s}] secret keys")
    ing = objs[f"Ingress/{f}"]
    hosts = [r["host"] for r in ing["spec"]["rules"]]
    check(hosts == ["kabinet.example.com", "*.kabinet.example.com"], f"[{s}] ingress hosts {hosts}")
    check(ing["spec"]["tls"] == [{"hosts": hosts, "secretName": f"{f}-tls"}], f"[{s}] tls")
    check(f"HorizontalPodAutoscaler/{f}-web" in objs and f"HorizontalPodAutoscaler/{f}-worker" not in objs,
          f"[{s}] hpa")
    check(objs[f"PodDisruptionBudget/{f}-web"]["spec"] .get("maxUnavailable") == 1, f"[{s}] pdb")
    check(not any(k.startswith("PersistentVolumeClaim") or k.startswith("ServiceAccount") for k in objs),
          f"[{s}] no pvc/sa")
    check("checksum/secret" in web["spec"]["template"]["metadata"]["annotations"], f"[{s}] checksum")
    check("WARNING: persistence" in rendered["NOTES.txt"], f"[{s}] notes")


def expect_existing_secret(s, objs, rendered):
    f = "test-release-kabinet"
    check(not any(k.startswith("Secret/") for k in objs), f"[{s}] no secrets")
    job = objs[f"Job/{f}-migrations"]
    check(pod_containers(job)[0]["envFrom"][0]["secretRef"]["name"] == "kabinet-env", f"[{s}] job existing")
    web = objs[f"Deployment/{f}-web"]
    check(pod_containers(web)[0]["envFrom"][1]["secretRef"]["name"] == "kabinet-env", f"[{s}] web existing")
    check(pod_containers(web)[0]["envFrom"][2]["secretRef"]["name"] == "kabinet-stripe", f"[{s}] extraEnvFrom")
    check(pod_containers(job)[0]["envFrom"][1]["secretRef"]["name"] == "kabinet-stripe", f"[{s}] job extra")
    check("checksum/secret" not in web["spec"]["template"]["metadata"]["annotations"], f"[{s}] no checksum")


def expect_scaling(s, objs, rendered):
    f = "test-release-kabinet"
    web, worker = objs[f"Deployment/{f}-web"], objs[f"Deployment/{f}-worker"]
    check(web["spec"]["replicas"] == 3 and "replicas" not in worker["spec"], f"[{s}] replicas")
    hpa = objs[f"HorizontalPodAutoscaler/{f}-worker"]
    check([m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu", "memory"], f"[{s}] metrics")
    check(hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] == 600, f"[{s}] behavior")
    check(f"HorizontalPodAutoscaler/{f}-web" not in objs, f"[{s}] no web hpa")
    check(objs[f"PodDisruptionBudget/{f}-web"]["spec"] == {
        "minAvailable": 2, "selector": objs[f"PodDisruptionBudget/{f}-web"]["spec"]["selector"]}, f"[{s}] pdb")
    check("topologySpreadConstraints" not in web["spec"]["template"]["spec"], f"[{s}] no spread")


def mounts(d):
    return {m["name"]: m["mountPath"] for m in pod_containers(d)[0]["volumeMounts"]}


def expect_media(s, objs, rendered):
    f = "test-release-kabinet"
    pvc = objs[f"PersistentVolumeClaim/{f}-media"]
    check(pvc["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep", f"[{s}] keep")
    check(pvc["spec"]["storageClassName"] == "nfs", f"[{s}] storageclass")
    for c in ("web", "worker"):
        check(mounts(objs[f"Deployment/{f}-{c}"]).get("media") == "/srv/kabinet/media", f"[{s}] {c} media")
    check("media" not in mounts(objs[f"Deployment/{f}-beat"]), f"[{s}] beat media")
    check("media" not in mounts(objs[f"Job/{f}-migrations"]), f"[{s}] job media")
    check("WARNING: persistence" not in rendered["NOTES.txt"], f"[{s}] notes")


def expect_existing_claim(s, objs, rendered):
    f = "test-release-kabinet"
    check(not any(k.startswith("PersistentVolumeClaim") for k in objs), f"[{s}] no pvc")
    vols = {v["name"]: v for v in objs[f"Deployment/{f}-web"]["spec"]["template"]["spec"]["volumes"]}
    check(vols["media"]["persistentVolumeClaim"]["claimName"] == "shared-media", f"[{s}] claim")


def expect_extras(s, objs, rendered):
    sa = objs["ServiceAccount/kabinet-sa"]
    check(sa["metadata"]["annotations"]["helm.sh/hook-weight"] == "-10", f"[{s}] sa hook")
    check(sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == "arn:x", f"[{s}] sa annotations")
    for k in ("Deployment/kb-web", "Deployment/kb-worker", "Deployment/kb-beat", "Job/kb-migrations"):
        spec = objs[k]["spec"]["template"]["spec"]
        check(spec["serviceAccountName"] == "kabinet-sa", f"[{s}] {k} sa")
        check(spec["imagePullSecrets"] == [{"name": "regcred"}], f"[{s}] {k} pull secrets")
        check(spec["nodeSelector"] == {"pool": "apps"} and spec["tolerations"][0]["key"] == "dedicated",
              f"[{s}] {k} scheduling")
        check(objs[k]["spec"]["template"]["metadata"]["labels"]["team"] == "kabinet", f"[{s}] {k} podLabels")
        check(objs[k]["spec"]["template"]["metadata"]["annotations"]["prometheus.io/scrape"] == "false",
              f"[{s}] {k} podAnnotations")
        check(pod_containers(objs[k])[0]["image"] == "registry.example.com/kabinet:2.3.4", f"[{s}] image")
    web = pod_containers(objs["Deployment/kb-web"])[0]
    check("--proxy-headers" not in web["args"] and "--no-proxy-headers" in web["args"]
          and web["args"][0] == "cabinet.asgi:application" and "--log-level" in web["args"], f"[{s}] web args {web['args']}")
    check(objs["Job/kb-migrations"]["spec"]["template"]["spec"]["containers"][0]["args"][2:] == ["--demo"],
          f"[{s}] job args")
    ing = objs["Ingress/kb"]
    hosts = [r["host"] for r in ing["spec"]["rules"]]
    check(hosts == ["kabinet.example.com", "portal.client.com", "shop.other.org"], f"[{s}] hosts {hosts}")
    check(ing["spec"]["ingressClassName"] == "nginx", f"[{s}] class")
    check(ing["spec"]["tls"] == [{"hosts": ["portal.client.com"], "secretName": "portal-tls"}], f"[{s}] tls")
    check(ing["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "3600",
          f"[{s}] annotations")
    cm = objs["ConfigMap/kb"]["data"]
    check(cm["SECURE_COOKIES"] == "0" and cm["HTTPS_ONLY"] == "0" and cm["EMAIL_BACKEND"] == "x.y" and cm["TENANT_SPARE_SCHEMAS"] == "5"
          and cm["PLATFORM_URL_SCHEME"] == "http" and cm["PLATFORM_DOMAIN"] == "kabinet.example.com", f"[{s}] cm {cm}")
    check(objs["Secret/kb"]["stringData"]["STRIPE_SECRET_KEY"] == "sk_test", f"[{s}] extra secret")
    check(objs["Secret/kb"]["stringData"]["PLATFORM_ADMIN_EMAIL"] == "admin@example.com", f"[{s}] admin")
    check(objs["Service/kb-web"]["spec"]["type"] == "NodePort", f"[{s}] svc")


def expect_minimal(s, objs, rendered):
    kinds = {k.split("/")[0] for k in objs}
    check(kinds == {"ConfigMap", "Secret", "Deployment", "Service", "HorizontalPodAutoscaler",
                    "PodDisruptionBudget", "ServiceAccount"}, f"[{s}] kinds {kinds}")
    check("annotations" not in objs["ServiceAccount/test-release-kabinet"]["metadata"], f"[{s}] sa not a hook")
    check(len([k for k in objs if k.startswith("Deployment/")]) == 2, f"[{s}] no beat")
    check("port-forward" in rendered["NOTES.txt"], f"[{s}] notes")


def expect_long(s, objs, rendered):
    for k in objs:
        check(len(k.split("/")[1]) <= 63, f"[{s}] {k}")


SCENARIOS = [
    ("default", {}, expect_default),
    ("existing-secret", {"secrets": {"existingSecret": "kabinet-env", "secretKey": "", "databaseUrl": "",
                                     "redisUrl": ""},
                         "extraEnvFrom": [{"secretRef": {"name": "kabinet-stripe"}}]}, expect_existing_secret),
    ("scaling", {"web": {"autoscaling": {"enabled": False}, "replicas": 3, "spreadOverNodes": False,
                         "podDisruptionBudget": {"minAvailable": 2}},
                 "worker": {"autoscaling": {"enabled": True, "targetMemoryUtilizationPercentage": 80,
                                            "behavior": {"scaleDown": {"stabilizationWindowSeconds": 600}}}}},
     expect_scaling),
    ("media", {"persistence": {"media": {"enabled": True, "storageClass": "nfs"}},
               "config": {"dataDir": "/srv/kabinet"}}, expect_media),
    ("existing-claim", {"persistence": {"media": {"enabled": True, "existingClaim": "shared-media"}}},
     expect_existing_claim),
    ("extras", {
        "fullnameOverride": "kb",
        "image": {"repository": "registry.example.com/kabinet", "tag": "2.3.4"},
        "imagePullSecrets": [{"name": "regcred"}],
        "serviceAccount": {"create": True, "name": "kabinet-sa", "annotations": {"eks.amazonaws.com/role-arn": "arn:x"}},
        "nodeSelector": {"pool": "apps"},
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "apps", "effect": "NoSchedule"}],
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "pool", "operator": "In", "values": ["apps"]}]}]}}},
        "podLabels": {"team": "kabinet"},
        "podAnnotations": {"prometheus.io/scrape": "false"},
        "web": {"proxyHeaders": False, "extraArgs": ["--log-level", "info"]},
        "migrations": {"args": ["--demo"]},
        "ingress": {"className": "nginx", "wildcard": False, "extraHosts": ["portal.client.com", "shop.other.org"],
                    "tls": {"enabled": False},
                    "extraTls": [{"hosts": ["portal.client.com"], "secretName": "portal-tls"}],
                    "annotations": {"nginx.ingress.kubernetes.io/proxy-read-timeout": "3600"}},
        "config": {"secureCookies": False, "httpsOnly": False, "platformUrlScheme": "http", "tenantSpareSchemas": 5,
                   "extraEnv": {"EMAIL_BACKEND": "x.y"}},
        "secrets": {"extra": {"STRIPE_SECRET_KEY": "sk_test"}, "platformAdminEmail": "admin@example.com",
                    "platformAdminPassword": "pw"},
        "service": {"type": "NodePort"},
        "platformDomain": "Kabinet.Example.com.",
    }, expect_extras),
    ("minimal", {"migrations": {"enabled": False}, "beat": {"enabled": False}, "ingress": {"enabled": False},
                 "serviceAccount": {"create": True}}, expect_minimal),
    ("long-names", {"fullnameOverride": "x" * 80}, expect_long),
    ("no-domain", {"platformDomain": ""}, None, ["platformDomain is required"]),
    ("bad-domain", {"platformDomain": "https://kabinet.example.com"}, None, ["must be a bare host name"]),
    ("no-secret", {"secrets": {"databaseUrl": ""}}, None, ["secrets.databaseUrl is required"]),
    ("hpa-no-metric", {"worker": {"autoscaling": {"enabled": True, "targetCPUUtilizationPercentage": None}}}, None,
     ["worker.autoscaling needs"]),
]

def main() -> int:
    for name, overrides, expect, *errors in SCENARIOS:
        try:
            run(name, overrides, expect, *errors)
        except Exception as exc:  # noqa: BLE001 - a crash is one more failure of that scenario
            traceback.print_exc()
            failures.append(f"[{name}] crashed: {exc!r}")
    for failure in failures:
        print("FAIL", failure)
    failed = {failure.split("]")[0] for failure in failures}
    print(f"{len(SCENARIOS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
