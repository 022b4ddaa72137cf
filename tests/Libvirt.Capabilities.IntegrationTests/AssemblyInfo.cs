// One libvirtd serves every test, and one test restarts it: run the tests of this assembly one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
