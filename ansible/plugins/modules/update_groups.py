#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, git-inventory maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: update_groups
short_description: Add, update or remove groups in a git repository of YAML inventories
description:
  - Applies O(group_list) to one inventory file (and its C(group_vars/) files),
    as the C(dettonville.git_inventory) collection does - same parameters, same files - and pushes
    the change to the repository. Without O(inventory_repo_url), changes the files of a local folder in place.
  - Minimal diffs - only the lines of what is added or removed change; comments, order and formatting elsewhere stay.
  - The whole inventory is validated before the push with the rules of the git-inventory pre-receive hook.
  - Safe under concurrent jobs - when another job pushes first, the change is applied again on the new tip and pushed.
  - Runs C(git-inventory update --params - --format json); the binary must be on the controller (O(binary_path) or C(PATH)).
version_added: "2026.12.0"
author:
  - git-inventory maintainers (@git-inventory)
extends_documentation_fragment:
  - dettonville.git_inventory.common
  - dettonville.git_inventory.groups
options:
  group_list:
    description:
      - The groups to change. Each item has C(group_name) (required) and may have C(parent_groups) (older name
        C(groups)), C(children) and C(group_vars).
      - C(parent_groups) is a list of group names or a mapping of nested groups (as for hosts). Without it the group
        goes under the root's C(children).
      - C(children) is a mapping of child groups (each merged into the group's C(children)) or a list of their names.
    type: list
    elements: dict
    aliases: [groups]
    required: true
"""

EXAMPLES = r"""
- name: A site group with children
  dettonville.git_inventory.update_groups:
    inventory_repo_url: "{{ inventory_repo }}"
    inventory_file: inventory/prod/hosts.yml
    always_add_child_group_to_root: true
    group_list:
      - group_name: location_site1
        children:
          nfs_server: {}
          ntp_client: {}
        group_vars:
          site: site1
"""

RETURN = r"""
changed:
  description: Whether the inventory was (or, in check mode, would be) changed.
  returned: always
  type: bool
message:
  description:
    - C(Inventory updated successfully) when files changed, C(No changes required for <inventory_file>) when not.
  returned: success
  type: str
  sample: Inventory updated successfully
summary:
  description: What was done, in git-inventory's words (the commit pushed, with the jobs batched into it).
  returned: success
  type: str
  sample: "pushed 4f1c2a9e0b7d to main: INFRA-42 - git-inventory: add web01.dettonville.int to web"
commit:
  description: The commit pushed (null when nothing changed or in check mode); shared by the jobs batched into it.
  returned: always
  type: str
attempts:
  description: Push attempts (more than one when other jobs pushed first).
  returned: always
  type: int
hosts_added:
  description: Hosts added or whose entries or vars changed.
  returned: always
  type: list
  elements: str
hosts_removed:
  description: Hosts removed.
  returned: always
  type: list
  elements: str
changes:
  description:
    - What the commit did to the hosts, per environment, judged on the inventory as Ansible builds it (the JSON of
      C(git-inventory changes BASE..COMMIT); in a batch, the whole commit's). The post-receive hook sends the same
      event to AWX/AAP or a webhook; an AWX workflow can pass it on with C(set_stats).
    - C(environments.<ENV>) holds C(added), C(removed) and C(changed) (each changed host with C(groups_added),
      C(groups_removed) and C(vars_changed)).
  returned: when a commit was made or would be (check mode)
  type: dict
  sample: {"version": 1, "from": "1a2b...", "to": "3c4d...", "environments": {"PROD": {"added": ["web03.example.int"], "removed": [], "changed": []}}}
groups_added:
  description: Groups added or whose entries or vars changed.
  returned: always
  type: list
  elements: str
groups_removed:
  description: Groups removed.
  returned: always
  type: list
  elements: str
check_mode:
  description: Whether the run was in check mode.
  returned: always
  type: bool
backup_files:
  description: The copies made of replaced files (O(backup), without a repository URL), from the folder's root.
  returned: always
  type: list
  elements: str
  sample: ["/inventory/SANDBOX/hosts.yml.1942.2026-08-24@14:16:01~"]
inventory_base_dir:
  description: The folder given as O(inventory_base_dir).
  returned: when O(inventory_base_dir) is given
  type: str
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

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.dettonville.git_inventory.plugins.module_utils.runner import (
    COMMON_ARGS,
    GROUP_ARGS,
    run,
)


def main():
    spec = dict(COMMON_ARGS, **GROUP_ARGS)
    spec["group_list"] = dict(spec["group_list"], required=True)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, ("group_list",))


if __name__ == "__main__":
    main()
