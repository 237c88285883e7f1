"""The Kubernetes values file for inspect-k8s-sandbox: it parses, names the ``default`` service with the
alloy-bench image, gives it no network and sets its resources."""

from __future__ import annotations

import yaml

from evals.alloy import K8S_VALUES


def test_values_name_default_without_network_and_with_resources() -> None:
    values = yaml.safe_load(K8S_VALUES.read_text())
    default = values["services"]["default"]
    assert list(values["services"]) == ["default"]
    assert default["image"].endswith("/alloy-bench:latest")
    assert default["command"] == ["/opt/alloy/entrypoint.sh"] and default["args"] == ["serve"]
    # no network: no egress to any domain, CIDR or entity, no shared networks, no DNS record or ports
    for key in ("allowDomains", "allowDomainsPorts", "allowCIDR", "allowEntities"):
        assert values[key] == [], key
    assert values["networks"] == {}
    assert not default.get("dnsRecord") and not default.get("ports") and not default.get("additionalDnsRecords")
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(default["resources"][kind]), kind
    assert default["securityContext"]["runAsNonRoot"] is True
    assert "pg_isready" in default["readinessProbe"]["exec"]["command"]
