var s = new Coop.Scheduler();
IEnumerable<object?> G() { yield return null; yield return Coop.Coroutine.Return(42); }
s.Add(G());
s.RunToCompletion();
return 0;
