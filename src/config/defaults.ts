/**
 * The configuration Watchfire runs with when no `--config.file` is given: Prometheus's
 * example `prometheus.yml`, without its comments, scraping Watchfire itself.
 */

export const EMBEDDED_DEFAULT_CONFIG = `global:
  scrape_interval: 15s
  evaluation_interval: 15s

alerting:
  alertmanagers:
    - static_configs:
        - targets:

rule_files:

scrape_configs:
  - job_name: "prometheus"
    static_configs:
      - targets: ["localhost:9090"]
        labels:
          app: "prometheus"
    scrape_native_histograms: true
`;
