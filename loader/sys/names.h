/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SOCKACCEL_NAMES_H
#define SOCKACCEL_NAMES_H

/* UAPI names without their prefix: "MAP_CREATE" (print it after "BPF_"),
 * "SOCKHASH", "SOCK_OPS", "CGROUP_SOCK_OPS".  Unknown values print as numbers. */
const char *bpf_cmd_name(unsigned int v);
const char *bpf_map_type_name(unsigned int v);
const char *bpf_prog_type_name(unsigned int v);
const char *bpf_attach_type_name(unsigned int v);
/* "CGROUP_SOCK_OPS" or "cgroup_sock_ops" -> BPF_CGROUP_SOCK_OPS; -1 if none. */
int bpf_attach_type_by_name(const char *name);
/* "sockhash" or "SOCKHASH" -> BPF_MAP_TYPE_SOCKHASH; -1 if none. */
int bpf_map_type_by_name(const char *name);
/* The nth string of a NUL-separated list. */
const char *sa_nth(const char *list, unsigned int n);
/* -v's names of union bpf_attr fields (trace.c), "map_type\0key_size\0
 * value_size\0max_entries\0map_flags\0..."; after its "map_", the names of
 * the map fields a pin is checked on, in struct bpf_map_info's order
 * (which has id after type): "type\0key_size\0...\0map_flags". */
extern const char bpf_attr_field_names[];
#define BPF_MAP_FIELD_NAMES (bpf_attr_field_names + 4)

#endif
