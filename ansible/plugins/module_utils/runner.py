# -*- coding: utf-8 -*-
# Copyright: (c) 2026, git-inventory maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the three modules share: their common options, and the call of
`git-inventory update --params - --format json` that does the work."""

from __future__ import annotations

import json
import os
import re
import shutil

COMMON_ARGS = dict(
    inventory_file=dict(type="path", required=True),
    inventory_dir=dict(type="path"),
    inventory_repo_url=dict(type="str"),
    inventory_repo_branch=dict(type="str", default="main"),
    inventory_base_dir=dict(type="path"),
    inventory_root_yaml_key=dict(type="str", default="all", no_log=False),
    global_groups_file=dict(type="path", default="xenv_groups.yml"),
    enforce_global_groups_must_already_exist=dict(type="bool", default=True),
    logging_level=dict(type="str", default="INFO", choices=["NOTSET", "DEBUG", "INFO", "ERROR"]),
    git_comment_prefix=dict(type="str", aliases=["jira_id"]),
    git_comment_body=dict(type="str"),
    state=dict(type="str", default="merge", choices=["merge", "present", "overwrite", "absent"]),
    vars_state=dict(type="str", default="merge", choices=["merge", "overwrite"]),
    vars_overwrite_depth=dict(type="int", default=2),
    use_vars_files=dict(type="bool", default=True),
    backup=dict(type="bool", default=False),
    remove_repo_dir=dict(type="bool", default=True),
    ssh_params=dict(
        type="dict",
        options=dict(
            key_file=dict(type="path", no_log=False),
            accept_hostkey=dict(type="bool", default=False),
            ssh_opts=dict(type="str"),
        ),
    ),
    test_mode=dict(type="bool", default=False),
    yaml_lib_mode=dict(type="str", default="ruamel", choices=["ruamel", "pyyaml"]),
    git_user_name=dict(type="str", default="ansible"),
    git_user_email=dict(type="str", default="ansible@example.org"),
    derive_domain_group=dict(type="bool", default=False),
    retries=dict(type="int", default=10),
    clone_depth=dict(type="int", default=1),
    queue=dict(type="str", choices=["local", "remote", "off"], default="local"),
    binary_path=dict(type="path"),
)

HOST_ARGS = dict(
    host_list=dict(type="list", elements="dict", aliases=["hosts"]),
    create_empty_hostvars_files=dict(type="bool", default=False),
    always_add_host_to_root_hosts=dict(type="bool", default=False),
)

GROUP_ARGS = dict(
    group_list=dict(type="list", elements="dict", aliases=["groups"]),
    create_empty_groupvars_files=dict(type="bool", default=True),
    create_parent_groupvar_files=dict(type="bool", default=True),
    always_add_child_group_to_root=dict(type="bool", default=False),
    enable_groupvar_symlinks_for_child_inventories=dict(type="bool", default=True),
    symlink_subdirs=dict(type="list", elements="str", default=["DEV", "QA", "PROD", "SANDBOX"]),
)

# Options of the module only, not parameters of the binary.
MODULE_ONLY = ("binary_path",)

# scheme://userinfo@ : the userinfo runs to the last `@` before a `/`, a quote or a space.
URL_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://([^\s/\"']*)@")
SSH_SCHEMES = ("ssh", "git+ssh", "ssh+git")


def url_secrets(text):
    """The credentials in the URLs of text, as git-inventory redacts them: the userinfo of a non-ssh URL
    (its password only when it has one), the password of an ssh URL."""
    found = set()
    for m in URL_USERINFO.finditer(text or ""):
        user, sep, password = m.group(2).partition(":")
        if sep and password:
            found.add(password)
        elif not sep and user and m.group(1).lower() not in SSH_SCHEMES:
            found.add(user)
    return found


def prune(value):
    """Drop unset (None) options, recursively, so the binary sees only what was given."""
    if isinstance(value, dict):
        return dict((k, prune(v)) for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value


def run(module, lists):
    """Run the binary on the module's parameters; exit the module with its result.

    lists: the item lists this module takes (host_list, group_list)."""
    p = module.params
    ssh = p.get("ssh_params") or {}
    for text in (p.get("inventory_repo_url"), p.get("git_comment_prefix"), p.get("git_comment_body"),
                 ssh.get("ssh_opts")):
        # Masked wherever they appear in the result, as no_log values are.
        module.no_log_values.update(url_secrets(text))
    binary = p.get("binary_path") or shutil.which("git-inventory")
    if not binary or not os.access(binary, os.X_OK):
        module.fail_json(msg="git-inventory binary not found: set binary_path or put it on PATH")

    # Ansible lists an option under its aliases too: the binary gets each once, by its name.
    aliases = set(a for spec in module.argument_spec.values() for a in spec.get("aliases") or [])
    params = dict((k, v) for k, v in p.items() if k not in MODULE_ONLY and k not in aliases)
    for key in lists:
        params[key] = params.get(key) or []
    params = prune(params)
    cmd = [binary, "update", "--params", "-", "--format", "json"]
    if module.check_mode:
        cmd.append("--dry-run")
    rc, out, err = module.run_command(cmd, data=json.dumps(params), binary_data=True)
    try:
        result = json.loads(out)
    except ValueError:
        module.fail_json(msg="git-inventory did not answer in JSON (exit %d): %s" % (rc, (err or out).strip()), rc=rc)

    for warning in result.pop("warnings", None) or []:
        module.warn(warning)
    diff = result.pop("diff", {}) or {}
    if module._diff and not diff.get("before") and not diff.get("after") and diff.get("prepared"):
        # Done in another job's turn: the unified diff of this change.
        result["diff"] = {"prepared": diff["prepared"]}
    elif module._diff:
        result["diff"] = {
            "before": diff.get("before", ""),
            "after": diff.get("after", ""),
            "before_header": p["inventory_file"],
            "after_header": p["inventory_file"],
        }
    result["rc"] = rc
    result["check_mode"] = module.check_mode
    result.setdefault("backup_files", None)
    base = p.get("inventory_base_dir")
    if base:
        result["inventory_base_dir"] = base
    if result.get("failed") or rc != 0:
        msg = result.pop("msg", None) or result.get("message") or err.strip()
        result.pop("failed", None)
        module.fail_json(msg=msg, **result)
    result.pop("failed", None)
    result.pop("msg", None)
    module.exit_json(**result)
