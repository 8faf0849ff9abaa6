// seed.go: lays down a known state before the simulator serves (vcsim -seed FILE), so that
// tests of snapshot audit and retention have snapshots of known ages and sizes. One command a
// line, fields separated by blanks, '#' starts a comment:
//
//	snap VM NAME AGE_SECONDS BYTES [quiesced] [delta=N]
//	                                           new snapshot, child of VM's current one,
//	                                           created AGE_SECONDS ago, its .vmsn BYTES long;
//	                                           delta=N: as ESX does, each disk gets a new
//	                                           delta (descriptor + N-byte extent) on top of
//	                                           its chain, where writes after it go
//	power VM on|off                            set the power state
//	consolidate VM                             set runtime.consolidationNeeded
//
// The simulator stamps every snapshot with the time of creation and every layout file with
// size 0; both are rewritten here, in the simulator's own objects. It makes no delta disks
// either (a snapshot's layoutEx chains are the base disks): delta= adds them to layoutEx, on
// top of each chain, base first as ESX lists them (a fresh simulated disk is a one-link chain).
// SPDX-License-Identifier: GPL-2.0-or-later
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

func findVM(name string) (*simulator.VirtualMachine, error) {
	for _, e := range simulator.Map.All("VirtualMachine") {
		if vm, ok := e.(*simulator.VirtualMachine); ok && vm.Name == name {
			return vm, nil
		}
	}
	return nil, fmt.Errorf("no VM named %q", name)
}

func findTree(list []types.VirtualMachineSnapshotTree, ref types.ManagedObjectReference) *types.VirtualMachineSnapshotTree {
	for i := range list {
		if list[i].Snapshot == ref {
			return &list[i]
		}
		if t := findTree(list[i].ChildSnapshotList, ref); t != nil {
			return t
		}
	}
	return nil
}

func seedSnapshot(vm *simulator.VirtualMachine, f []string) error {
	if len(f) < 5 {
		return fmt.Errorf("snap needs VM NAME AGE_SECONDS BYTES")
	}
	age, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil {
		return err
	}
	size, err := strconv.ParseInt(f[4], 10, 64)
	if err != nil {
		return err
	}
	quiesce, delta := false, int64(-1)
	for _, opt := range f[5:] {
		switch {
		case opt == "quiesced":
			quiesce = true
		case strings.HasPrefix(opt, "delta="):
			if delta, err = strconv.ParseInt(opt[len("delta="):], 10, 64); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown option %q", opt)
		}
	}
	vm.CreateSnapshotTask(&types.CreateSnapshot_Task{This: vm.Self, Name: f[2], Quiesce: quiesce})
	if vm.Snapshot == nil || vm.Snapshot.CurrentSnapshot == nil {
		return fmt.Errorf("snapshot %q of %q was not created", f[2], f[1])
	}
	cur := *vm.Snapshot.CurrentSnapshot
	t := findTree(vm.Snapshot.RootSnapshotList, cur)
	if t == nil {
		return fmt.Errorf("snapshot %q of %q is not in its tree", f[2], f[1])
	}
	t.CreateTime = time.Now().Add(-time.Duration(age) * time.Second)
	for _, l := range vm.LayoutEx.Snapshot {
		if l.Key != cur {
			continue
		}
		for i := range vm.LayoutEx.File {
			if vm.LayoutEx.File[i].Key == l.DataKey {
				vm.LayoutEx.File[i].Size = size
			}
		}
	}
	if delta >= 0 {
		addDeltas(vm, delta)
	}
	return nil
}

// addDeltas puts a new delta link on top of every disk chain of vm's layoutEx: a descriptor
// and an extent of `size` bytes. The chains are built anew: the snapshot just taken keeps
// the old ones (the simulator shares the slice with it).
func addDeltas(vm *simulator.VirtualMachine, size int64) {
	next := int32(0)
	for _, file := range vm.LayoutEx.File {
		if file.Key >= next {
			next = file.Key + 1
		}
	}
	var disks []types.VirtualMachineFileLayoutExDiskLayout
	for d, disk := range vm.LayoutEx.Disk {
		chain := append([]types.VirtualMachineFileLayoutExDiskUnit(nil), disk.Chain...)
		base := fmt.Sprintf("[LocalDS_0] %s/%s_%d-%06d", vm.Name, vm.Name, d, len(chain))
		for _, f := range []struct {
			suffix, kind string
			size         int64
		}{{".vmdk", "diskDescriptor", 0}, {"-delta.vmdk", "diskExtent", size}} {
			vm.LayoutEx.File = append(vm.LayoutEx.File, types.VirtualMachineFileLayoutExFileInfo{
				Key: next, Name: base + f.suffix, Type: f.kind, Size: f.size, UniqueSize: f.size,
				Accessible: types.NewBool(true),
			})
			next++
		}
		chain = append(chain, types.VirtualMachineFileLayoutExDiskUnit{FileKey: []int32{next - 2, next - 1}})
		disks = append(disks, types.VirtualMachineFileLayoutExDiskLayout{Key: disk.Key, Chain: chain})
	}
	vm.LayoutEx.Disk = disks
}

func seedLine(f []string) error {
	if len(f) < 2 {
		return fmt.Errorf("missing VM name")
	}
	vm, err := findVM(f[1])
	if err != nil {
		return err
	}
	switch f[0] {
	case "snap":
		return seedSnapshot(vm, f)
	case "power":
		if len(f) < 3 {
			return fmt.Errorf("power needs on|off")
		}
		state := types.VirtualMachinePowerStatePoweredOn
		if f[2] == "off" {
			state = types.VirtualMachinePowerStatePoweredOff
		}
		vm.Runtime.PowerState = state
		vm.Summary.Runtime.PowerState = state
	case "consolidate":
		yes := true
		vm.Runtime.ConsolidationNeeded = &yes
	default:
		return fmt.Errorf("unknown command %q", f[0])
	}
	return nil
}

func seed(path string) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if err := seedLine(f); err != nil {
			return fmt.Errorf("%s:%d: %v", path, n, err)
		}
	}
	return sc.Err()
}
