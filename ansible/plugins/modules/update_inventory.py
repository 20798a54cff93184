#!/usr/bin/python
# -*- coding: utf-8 -*-
# A thin wrapper: all the work is done by the git-inventory binary.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: update_inventory
short_description: Add or remove hosts in a git repository of YAML inventories
description:
  - Clones the inventory repository (single branch; C(clone_depth) for a shallow clone), adds (C(present)/C(merge)), replaces (C(overwrite))
    or removes (C(absent)) hosts under their parent groups in one inventory file, validates the whole result with
    the same rules as the git-inventory pre-receive hook, commits with a ticket prefix and pushes.
  - Safe under concurrent jobs - when another job pushes first, the change is re-applied on the new tip and pushed again.
    Jobs on one machine updating one local repository take turns, and the job whose turn it is also applies the
    requests of the jobs waiting for theirs, in one commit (each job still gets its own diff and result).
  - Only the lines of the hosts added or removed change; comments, order and formatting elsewhere stay byte-identical.
  - Runs C(git-inventory update --params - --format json); the binary must be installed on the controller.
version_added: "0.1.0"
author:
  - git-inventory developers
options:
  inventory_repo_url:
    description: URL (C(ssh://), C(file://)) or local path of the inventory repository.
    type: str
    required: true
  inventory_repo_branch:
    description: Branch to update (default - the remote HEAD).
    type: str
  inventory_file:
    description: Inventory file inside the repository, for example C(inventory/PROD/hosts.yml).
    type: str
    required: true
  git_comment_prefix:
    description: Commit message prefix, usually a ticket id.
    type: str
    aliases: [jira_id]
  git_comment_body:
    description: Replaces the generated summary in the commit message.
    type: str
  ssh_params:
    description: How to reach an C(ssh://) repository.
    type: dict
    suboptions:
      key_file:
        description: Private key (mode 600), used with IdentitiesOnly and BatchMode.
        type: path
      accept_hostkey:
        description: Accept an unknown host key (StrictHostKeyChecking=accept-new).
        type: bool
        default: false
      ssh_opts:
        description: Extra options appended to the ssh command.
        type: str
  state:
    description:
      - C(present) (same as C(merge)) adds each host under its groups and merges its vars.
      - C(overwrite) makes the given groups and vars the host's only ones.
      - C(absent) removes the host from the given groups, or from every group (and its host_vars file) when none are given.
    type: str
    default: present
    choices: [present, merge, overwrite, absent]
  host_list:
    description: Hosts to change; a list makes one commit.
    type: list
    elements: dict
    suboptions:
      host_name:
        description: Inventory host name (usually the FQDN).
        type: str
        required: true
      parent_groups:
        description: Groups the host belongs in.
        type: list
        elements: str
        aliases: [groups]
      host_vars:
        description: Variables set on the host's entry (in its first group).
        type: dict
  group_list:
    description: Groups to create (with parents, children, vars) or remove.
    type: list
    elements: dict
    suboptions:
      group_name:
        description: Group name.
        type: str
        required: true
      parent_groups:
        description: Parents of the group (default C(all)).
        type: list
        elements: str
      children:
        description: Child groups.
        type: list
        elements: str
      group_vars:
        description: Variables of the group.
        type: dict
  git_user_name:
    description: Commit author and committer name.
    type: str
  git_user_email:
    description: Commit author and committer e-mail.
    type: str
  retries:
    description: How many times to re-apply and push again when other jobs push first.
    type: int
    default: 10
  clone_depth:
    description:
      - Clone the last N commits of the branch; 0 clones its whole history.
      - A full clone is the cheaper one from a server that keeps its objects packed (it is sent as
        it is); a shallow one costs a bounded recompression of the tip's files.
    type: int
    default: 1
  queue:
    description:
      - How jobs updating the repository at once take turns; the job whose turn it is does the waiting
        requests in one commit. C(local) - jobs of one machine, through its temporary directory.
        C(remote) - then jobs of every machine, through refs under C(refs/git-inventory/) in the remote
        (whoever can push to those refs can queue a change that the job whose turn it is commits with its
        credentials; the server's hook still validates it). C(off) - every job pushes on its own and retries
        when another pushed first.
      - A request done in another job's turn returns its unified diff (C(diff.prepared)), not the file's
        whole texts.
    type: str
    choices: [local, remote, "off"]
    default: local
  binary_path:
    description: Path of the git-inventory binary (default - found on PATH).
    type: path
notes:
  - Check mode is supported - the change is computed and validated, nothing is committed or pushed.
  - Diff mode returns the inventory file before and after.
  - Credentials in a URL (in C(inventory_repo_url), C(git_comment_prefix), C(git_comment_body) or
    C(ssh_params.ssh_opts)) are hidden from the result, its C(invocation) and the output of C(ansible-playbook -v)
    as Ansible hides C(no_log) values - a password, and a user name given alone in an C(https://) URL (a token);
    the user name of an C(ssh://) URL, such as C(git), is not a secret and stays. The binary redacts the whole
    user part of an C(https://) URL, and an C(ssh://) URL's password, from its messages and from commit messages.
    No option is a secret as a whole, so none is marked C(no_log).
"""

EXAMPLES = r"""
- name: Enroll a new inference node
  gitinv.git_inventory.update_inventory:
    inventory_repo_url: ssh://git@git.example.int/infra/inventory.git
    inventory_file: inventory/prod/hosts.yml
    git_comment_prefix: "{{ jira_id }}"
    ssh_params:
      key_file: /var/lib/awx/.ssh/inventory_deploy
    state: present
    host_list:
      - host_name: inference-grid-03.dettonville.int
        parent_groups:
          - ca_domain_int_dettonville
          - aibrix_prod
          - ollama_hosts

- name: Decommission a host from every group
  gitinv.git_inventory.update_inventory:
    inventory_repo_url: ssh://git@git.example.int/infra/inventory.git
    inventory_file: inventory/prod/hosts.yml
    git_comment_prefix: INFRA-1234
    state: absent
    host_list:
      - host_name: old01.dettonville.int
"""

RETURN = r"""
changed:
  description: Whether the inventory was (or, in check mode, would be) changed.
  returned: always
  type: bool
message:
  description: What was done.
  returned: always
  type: str
commit:
  description: The commit pushed (null when nothing changed or in check mode); shared by the jobs batched into it.
  returned: always
  type: str
attempts:
  description: Push attempts (more than one when other jobs pushed first).
  returned: always
  type: int
hosts_added:
  description: Hosts added or whose entries changed.
  returned: always
  type: list
  elements: str
hosts_removed:
  description: Hosts removed.
  returned: always
  type: list
  elements: str
violations:
  description: Validation findings that refused the change (file:line:col CODE message).
  returned: when the change would make the inventory invalid
  type: list
  elements: str
remote:
  description: The server's messages when its pre-receive hook refused the push.
  returned: when the server refused
  type: list
  elements: str
"""

import json
import os
import re
import shutil

from ansible.module_utils.basic import AnsibleModule

PASSED = (
    "inventory_repo_url", "inventory_repo_branch", "inventory_file", "git_comment_prefix",
    "git_comment_body", "ssh_params", "state", "host_list", "group_list", "git_user_name", "git_user_email",
)


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
        return {k: prune(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value


def main():
    module = AnsibleModule(
        argument_spec=dict(
            inventory_repo_url=dict(type="str", required=True),
            inventory_repo_branch=dict(type="str"),
            inventory_file=dict(type="str", required=True),
            git_comment_prefix=dict(type="str", aliases=["jira_id"]),
            git_comment_body=dict(type="str"),
            ssh_params=dict(
                type="dict",
                options=dict(
                    key_file=dict(type="path", no_log=False),
                    accept_hostkey=dict(type="bool", default=False),
                    ssh_opts=dict(type="str"),
                ),
            ),
            state=dict(type="str", default="present", choices=["present", "merge", "overwrite", "absent"]),
            host_list=dict(
                type="list",
                elements="dict",
                options=dict(
                    host_name=dict(type="str", required=True),
                    parent_groups=dict(type="list", elements="str", aliases=["groups"]),
                    host_vars=dict(type="dict"),
                ),
            ),
            group_list=dict(
                type="list",
                elements="dict",
                options=dict(
                    group_name=dict(type="str", required=True),
                    parent_groups=dict(type="list", elements="str"),
                    children=dict(type="list", elements="str"),
                    group_vars=dict(type="dict"),
                ),
            ),
            git_user_name=dict(type="str"),
            git_user_email=dict(type="str"),
            retries=dict(type="int", default=10),
            clone_depth=dict(type="int", default=1),
            queue=dict(type="str", choices=["local", "remote", "off"], default="local"),
            binary_path=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    ssh = module.params["ssh_params"] or {}
    for text in (module.params["inventory_repo_url"], module.params["git_comment_prefix"],
                 module.params["git_comment_body"], ssh.get("ssh_opts")):
        # Masked wherever they appear in the result, as no_log values are.
        module.no_log_values.update(url_secrets(text))
    binary = module.params["binary_path"] or shutil.which("git-inventory")
    if not binary or not os.access(binary, os.X_OK):
        module.fail_json(msg="git-inventory binary not found: set binary_path or put it on PATH")

    params = prune({k: module.params[k] for k in PASSED})
    cmd = [binary, "update", "--params", "-", "--format", "json", "--retries", str(module.params["retries"]),
           "--depth", str(module.params["clone_depth"]), "--queue", module.params["queue"]]
    if module.check_mode:
        cmd.append("--dry-run")
    rc, out, err = module.run_command(cmd, data=json.dumps(params), binary_data=True)
    try:
        result = json.loads(out)
    except ValueError:
        module.fail_json(msg="git-inventory did not answer in JSON (exit %d): %s" % (rc, (err or out).strip()), rc=rc)

    diff = result.pop("diff", {}) or {}
    if module._diff and not diff.get("before") and not diff.get("after") and diff.get("prepared"):
        # Done in another job's turn: the unified diff of this change.
        result["diff"] = {"prepared": diff["prepared"]}
    elif module._diff:
        result["diff"] = {
            "before": diff.get("before", ""),
            "after": diff.get("after", ""),
            "before_header": module.params["inventory_file"],
            "after_header": module.params["inventory_file"],
        }
    result["rc"] = rc
    if result.get("failed") or rc != 0:
        msg = result.pop("msg", None) or result.get("message") or err.strip()
        result.pop("failed", None)
        module.fail_json(msg=msg, **result)
    result.pop("failed", None)
    result.pop("msg", None)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
