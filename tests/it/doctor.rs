//! `cwrecon doctor` against the simulator: a healthy tenant passes, bad keys and missing rows are
//! named with their fix.

use crate::common::tenant::tenant;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_tenant_passes_and_problems_are_named_with_their_fix() {
    let t = tenant().await;
    let healthy = t.cli(&["doctor"]).run();
    assert_eq!(healthy.code, 0, "{}", healthy.transcript());
    assert!(
        healthy.stdout.contains("ok    read managementItSolutions"),
        "{}",
        healthy.stdout
    );
    assert!(healthy.stdout.contains("0 failed"), "{}", healthy.stdout);
    // Write access cannot be probed read-only: it is said so, never reported as passed.
    let write = healthy
        .stdout
        .lines()
        .find(|l| l.contains("write access"))
        .unwrap_or_default();
    assert!(
        write.contains("not checked") && !write.starts_with("ok"),
        "{}",
        healthy.stdout
    );

    let bad_keys = t.cli(&["doctor"]).env("CW_PRIVATE_KEY", "wrong-key").run();
    assert_eq!(bad_keys.code, 1, "{}", bad_keys.transcript());
    assert!(
        bad_keys
            .stdout
            .contains("check CW_COMPANY_ID, CW_PUBLIC_KEY and CW_PRIVATE_KEY"),
        "{}",
        bad_keys.stdout
    );
    assert!(
        !bad_keys.transcript().contains("wrong-key"),
        "the key is never shown"
    );

    let with_config = t.cli(&["doctor", "examples/intermedia"]).run();
    assert_eq!(
        with_config.code,
        1,
        "Acme and Bluebird are missing: {}",
        with_config.transcript()
    );
    assert!(
        with_config
            .stdout
            .contains("none has identifier `AcmeCorp`"),
        "{}",
        with_config.stdout
    );
}
