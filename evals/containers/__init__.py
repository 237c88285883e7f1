"""Container sandboxes: the alloy-bench image (``Dockerfile``), Inspect's ``docker`` sandbox (``compose.yaml``)
and the Kubernetes values (``k8s/values.yaml`` at the repository root); grading stays on the host."""
