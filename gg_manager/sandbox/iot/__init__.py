"""IoT as Greengrass V1 and V2 setups use it: certificates for the CSR's key, stable endpoints,
jobs that expand to thing-group members and move, the jobs data plane, the credentials provider, tags."""


def install(knobs, lock, account_of, default_region, publish=None):
    """Patch moto's IoT and set up the added IoT services; returns their plugin."""
    from ..endpoints import Plugin
    from ..restjson import RestJsonService, scope_of
    from . import (certificates, credentials, effective_policies, endpoints, job_notify, jobs, jobs_control, jobs_data,
                   tags, thing_groups)

    certificates.install()
    effective_policies.install()
    endpoints.install()
    jobs_control.install()
    tags.install()
    thing_groups.install()
    if publish is not None:
        jobs.add_listener(job_notify.listener(publish))
    data_plane = RestJsonService("iot-jobs-data", "iot-jobs-data", jobs_data.HANDLERS, knobs, lock, account_of,
                                 jobs_data.FAULTS, default_region)
    return Plugin(services=[(lambda environ: scope_of(environ)[2] == "iot-jobs-data", data_plane),
                            (credentials.claims, credentials.app(lock))],
                  on_reset=[job_notify.forget, certificates.use_der_ids])
