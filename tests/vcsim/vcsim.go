// vcsim.go: vsnap's own front-end to govmomi's vSphere simulator library, for tests.
//
//	vcsim [-l 127.0.0.1:0] [-esx] [-trace-file FILE] [-cert F -key F] [-http]
//	      [-username U -password P] [-vms N] [-snapshots N] [-duplicate-name]
//
// -vms sets the model's VM count (per host and cluster; exact for -esx). -snapshots adds N
// snapshots in total, round-robin, to every VM but the first by name (so "other VMs gain
// snapshots"); -duplicate-name gives the last VM by name the first one's name (vcsim allows
// it; real vCenter allows it in different folders).
//
// It prints the SDK URL (https://127.0.0.1:PORT/sdk) on stdout once it accepts requests and
// runs until SIGTERM/SIGINT. Without -cert it makes a fresh self-signed 2048-bit certificate
// (the library's built-in one is 1024-bit, which OpenSSL 3 refuses even when pinned).
// SPDX-License-Identifier: GPL-2.0-or-later
package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// vmsByName lists the model's VMs sorted by name (the simulator's map is unordered).
func vmsByName() []*simulator.VirtualMachine {
	var vms []*simulator.VirtualMachine
	for _, e := range simulator.Map.All("VirtualMachine") {
		if vm, ok := e.(*simulator.VirtualMachine); ok {
			vms = append(vms, vm)
		}
	}
	sort.Slice(vms, func(i, j int) bool { return vms[i].Name < vms[j].Name })
	return vms
}

// shapeInventory applies -snapshots and -duplicate-name before the server answers.
func shapeInventory(snapshots int, duplicate bool) {
	vms := vmsByName()
	if len(vms) < 2 {
		return
	}
	// The simulator logs a harmless FileAlreadyExists per snapshot file it reuses.
	log.SetOutput(ioutil.Discard)
	defer log.SetOutput(os.Stderr)
	for i := 0; i < snapshots; i++ {
		vm := vms[1+i%(len(vms)-1)]
		vm.CreateSnapshotTask(&types.CreateSnapshot_Task{
			This: vm.Self, Name: fmt.Sprintf("bulk-%d", i), Description: "many snapshots",
		})
	}
	if duplicate {
		last := vms[len(vms)-1]
		simulator.Map.Update(last, []types.PropertyChange{{Name: "name", Val: vms[0].Name}})
		last.Config.Name = vms[0].Name
	}
}

// selfSigned builds a throw-away 2048-bit certificate for localhost and 127.0.0.1.
func selfSigned() (tls.Certificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

func main() {
	listen := flag.String("l", "127.0.0.1:0", "listen address")
	esx := flag.Bool("esx", false, "simulate a standalone ESX host instead of vCenter")
	traceFile := flag.String("trace-file", "", "append a \"Request:\"/\"Response:\" line per SOAP call")
	certFile := flag.String("cert", "", "PEM certificate for TLS")
	keyFile := flag.String("key", "", "PEM private key for TLS")
	plain := flag.Bool("http", false, "serve plain HTTP")
	user := flag.String("username", "", "accept only this user (default: any non-empty)")
	pass := flag.String("password", "", "password for -username")
	nvms := flag.Int("vms", 0, "VMs per host and cluster (0: the model's default, 2)")
	nsnaps := flag.Int("snapshots", 0, "snapshots to add, round-robin, to all VMs but the first")
	dup := flag.Bool("duplicate-name", false, "give the last VM the first VM's name")
	flag.Parse()

	if *traceFile != "" {
		f, err := os.OpenFile(*traceFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintln(os.Stderr, "vcsim:", err)
			os.Exit(1)
		}
		defer f.Close()
		simulator.Trace = true
		simulator.TraceFile = f
	}

	model := simulator.VPX()
	if *esx {
		model = simulator.ESX()
	}
	if *nvms > 0 {
		model.Machine = *nvms
	}
	if err := model.Create(); err != nil {
		fmt.Fprintln(os.Stderr, "vcsim: create:", err)
		os.Exit(1)
	}
	defer model.Remove()
	shapeInventory(*nsnaps, *dup)

	model.Service.Listen = &url.URL{Host: *listen}
	if *user != "" {
		model.Service.Listen.User = url.UserPassword(*user, *pass)
	}
	if !*plain {
		var cert tls.Certificate
		var err error
		if *certFile != "" {
			cert, err = tls.LoadX509KeyPair(*certFile, *keyFile)
		} else {
			cert, err = selfSigned()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "vcsim: certificate:", err)
			os.Exit(1)
		}
		model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	server := model.Service.NewServer()
	defer server.Close()

	u := *server.URL
	u.User = nil
	fmt.Println(u.String())
	os.Stdout.Sync()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
}
