using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Libvirt.Capabilities.Benchmarks.ParseBenchmarks).Assembly).Run(args);
