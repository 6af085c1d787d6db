Console.Error.WriteLine("usage: bench W1..W5 [params] (see bench/README.md)");
return 2;
